/*
 * Every setup or availability failure the sandbox can reproduce, provoked through its
 * admin endpoint and observed through the C API, from chorus_test_connection and from
 * chorus_submit: each must yield its own result code and a hint naming what to check.
 *
 * Run by tests/c/run.sh with SANDBOX_URL set; the last line reads "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chorus_pro.h"

#define SAMPLE_INVOICE "examples/invoices/facturx-ubl-21-en16931.json"

static int checks_failed_in_test;
static const char *sandbox_url;
static int sandbox_port;
static char *sample_invoice;
static int invoice_counter;

#define CHECK(condition)                                                                   \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);     \
      checks_failed_in_test++;                                                             \
    }                                                                                      \
  } while (0)

static int contains(const char *text, const char *fragment) {
  return text != NULL && strstr(text, fragment) != NULL;
}

static char *read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    return NULL;
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  rewind(file);
  char *text = malloc((size_t)size + 1);
  if (text != NULL && fread(text, 1, (size_t)size, file) == (size_t)size) {
    text[size] = '\0';
  } else {
    free(text);
    text = NULL;
  }
  fclose(file);
  return text;
}

/* Sends one request to the sandbox's admin endpoint on loopback; returns the HTTP status. */
static int sandbox_admin(const char *method, const char *path, const char *body) {
  int sock = socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) {
    return -1;
  }
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)sandbox_port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(sock, (struct sockaddr *)&address, sizeof address) != 0) {
    close(sock);
    return -1;
  }
  char request[1024];
  int length = snprintf(request, sizeof request,
                        "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                        method, path, strlen(body), body);
  if (write(sock, request, (size_t)length) != length) {
    close(sock);
    return -1;
  }
  char reply[256] = "";
  ssize_t received = read(sock, reply, sizeof reply - 1);
  close(sock);
  int status = -1;
  if (received > 12) {
    sscanf(reply, "HTTP/1.1 %d", &status);
  }
  return status;
}

static void set_fault(const char *mode) {
  char body[256];
  snprintf(body, sizeof body, "{\"mode\": \"%s\", \"path_prefix\": \"/cpro/\", \"delay_ms\": 3000}",
           mode);
  CHECK(sandbox_admin("POST", "/_sandbox/faults", body) == 200);
}

static void clear_faults(void) {
  CHECK(sandbox_admin("DELETE", "/_sandbox/faults", "") == 200);
}

/* A handle on the sandbox with retries off, so that each fault is seen once. */
static chorus_client *sandbox_client(const char *client_id, const char *client_secret,
                                     const char *login, const char *password) {
  char config[2048];
  snprintf(config, sizeof config,
           "{\"environment\": \"qualification\", \"token_url\": \"%s/api/oauth/token\", "
           "\"base_url\": \"%s\", \"client_id\": \"%s\", \"client_secret\": \"%s\", "
           "\"technical_login\": \"%s\", \"technical_password\": \"%s\", \"language\": \"en\", "
           "\"timeout_seconds\": 1, \"retry\": {\"max_attempts\": 1}}",
           sandbox_url, sandbox_url, client_id, client_secret, login, password);
  chorus_client *client = chorus_client_new();
  char *out = NULL;
  uint32_t code = chorus_configure(client, config, &out);
  if (code != CHORUS_OK) {
    fprintf(stderr, "  configure failed: %s\n", out);
  }
  chorus_string_free(out);
  return client;
}

static chorus_client *working_client(void) {
  return sandbox_client("sandbox-client-id", "sandbox-client-secret", "TECH_1_sandbox@cpro.fr",
                        "sandbox-technical-password");
}

/* Replaces the sample's invoice number with a fresh one; the caller frees the result. */
static char *fresh_invoice(void) {
  char number[32];
  snprintf(number, sizeof number, "FLT-%d", ++invoice_counter);
  const char *at = strstr(sample_invoice, "F124212");
  size_t head = (size_t)(at - sample_invoice);
  char *invoice = malloc(strlen(sample_invoice) + strlen(number) + 1);
  memcpy(invoice, sample_invoice, head);
  strcpy(invoice + head, number);
  strcat(invoice, at + strlen("F124212"));
  return invoice;
}

/* Checks one failure from both calls: its code, HTTP status (0: none) and a hint fragment. */
static void expect_failure(chorus_client *client, uint32_t code, int http_status,
                           const char *hint_fragment) {
  char status_field[32];
  snprintf(status_field, sizeof status_field, "\"http_status\":%d", http_status);

  char *out = NULL;
  uint32_t from_test = chorus_test_connection(client, &out);
  if (from_test != code) {
    fprintf(stderr, "  test connection: got %u %s, expected %s\n", from_test,
            chorus_result_name(from_test), chorus_result_name(code));
  }
  CHECK(from_test == code);
  CHECK(http_status == 0 || contains(out, status_field));
  CHECK(contains(out, hint_fragment));
  chorus_string_free(out);

  char *invoice = fresh_invoice();
  out = NULL;
  uint32_t from_submit = chorus_submit(client, invoice, &out);
  if (from_submit != code) {
    fprintf(stderr, "  submit: got %u %s, expected %s\n", from_submit,
            chorus_result_name(from_submit), chorus_result_name(code));
  }
  CHECK(from_submit == code);
  CHECK(http_status == 0 || contains(out, status_field));
  CHECK(contains(out, hint_fragment));
  chorus_string_free(out);
  free(invoice);
}

static void test_bad_client(void) {
  chorus_client *client = sandbox_client("sandbox-client-id", "wrong-secret",
                                         "TECH_1_sandbox@cpro.fr", "sandbox-technical-password");
  expect_failure(client, CHORUS_ERR_PISTE_CLIENT_REJECTED, 400, "client_secret");
  chorus_client_free(client);
}

static void test_bad_technical_password(void) {
  chorus_client *client = sandbox_client("sandbox-client-id", "sandbox-client-secret",
                                         "TECH_1_sandbox@cpro.fr", "wrong-password");
  expect_failure(client, CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED, 401, "technical_password");
  chorus_client_free(client);
}

static void test_expired_password(void) {
  chorus_client *client = sandbox_client("sandbox-client-id", "sandbox-client-secret",
                                         "TECH_2_expired@cpro.fr", "expired-password");
  expect_failure(client, CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED, 401, "technical_password");
  chorus_client_free(client);
}

static void test_api_not_subscribed(void) {
  chorus_client *client = working_client();
  set_fault("api_not_subscribed");
  expect_failure(client, CHORUS_ERR_API_ACCESS_DENIED, 403, "PISTE");
  clear_faults();
  chorus_client_free(client);
}

static void test_unknown_route(void) {
  chorus_client *client = working_client();
  set_fault("unknown_route");
  expect_failure(client, CHORUS_ERR_ENDPOINT_NOT_FOUND, 404, "base_url");
  clear_faults();
  chorus_client_free(client);
}

static void test_maintenance_500(void) {
  chorus_client *client = working_client();
  set_fault("maintenance_500");
  expect_failure(client, CHORUS_ERR_PORTAL_UNAVAILABLE, 500, "maintenance");
  clear_faults();
  chorus_client_free(client);
}

static void test_maintenance_503(void) {
  chorus_client *client = working_client();
  set_fault("maintenance_503");
  expect_failure(client, CHORUS_ERR_PORTAL_UNAVAILABLE, 503, "maintenance");
  clear_faults();
  chorus_client_free(client);
}

static void test_slow_reply(void) {
  chorus_client *client = working_client();
  set_fault("slow");
  expect_failure(client, CHORUS_ERR_TIMEOUT, 0, "\"retryable\":true");
  clear_faults();
  chorus_client_free(client);
}

static void test_dropped_connection(void) {
  chorus_client *client = working_client();
  set_fault("drop_connection");
  expect_failure(client, CHORUS_ERR_NETWORK, 0, "\"retryable\":true");
  clear_faults();
  chorus_client_free(client);
}

struct test_case {
  const char *name;
  void (*run)(void);
};

int main(void) {
  sandbox_url = getenv("SANDBOX_URL");
  sample_invoice = read_file(SAMPLE_INVOICE);
  const char *port = sandbox_url != NULL ? strrchr(sandbox_url, ':') : NULL;
  if (port == NULL || sample_invoice == NULL) {
    fprintf(stderr, "set SANDBOX_URL and run from the repository root\n");
    return 2;
  }
  sandbox_port = atoi(port + 1);
  const struct test_case tests[] = {
      {"bad_client", test_bad_client},
      {"bad_technical_password", test_bad_technical_password},
      {"expired_password", test_expired_password},
      {"api_not_subscribed", test_api_not_subscribed},
      {"unknown_route", test_unknown_route},
      {"maintenance_500", test_maintenance_500},
      {"maintenance_503", test_maintenance_503},
      {"slow_reply", test_slow_reply},
      {"dropped_connection", test_dropped_connection},
  };
  int passed = 0;
  int failed = 0;
  for (size_t index = 0; index < sizeof tests / sizeof tests[0]; index++) {
    checks_failed_in_test = 0;
    tests[index].run();
    printf("%s %s\n", checks_failed_in_test == 0 ? "ok    " : "FAILED", tests[index].name);
    if (checks_failed_in_test == 0) {
      passed++;
    } else {
      failed++;
    }
  }
  free(sample_invoice);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
