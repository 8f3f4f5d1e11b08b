/*
 * C integration tests of the chorus-pro C API against the local sandbox.
 *
 * Run from the repository root by tests/c/run.sh, which starts the sandbox and sets
 * SANDBOX_URL. Each test prints its name and outcome; the last line reads
 * "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus_pro.h"

#define SAMPLE_INVOICE "examples/invoices/facturx-ubl-21-en16931.json"
#define SAMPLE_NUMBER "F124212"
#define SAMPLE_SELLER_SIRET "99999999800019"

static int checks_failed_in_test;
static const char *sandbox_url;
static char *sample_invoice;

#define CHECK(condition)                                                                   \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);     \
      checks_failed_in_test++;                                                             \
    }                                                                                      \
  } while (0)

#define CHECK_CODE(actual, expected)                                                       \
  do {                                                                                     \
    uint32_t actual_code = (actual);                                                       \
    if (actual_code != (uint32_t)(expected)) {                                             \
      fprintf(stderr, "  %s:%d: got %u %s, expected %s\n", __FILE__, __LINE__, actual_code, \
              chorus_result_name(actual_code), #expected);                                 \
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

/* Returns a copy of `text` with every `from` replaced by `to`; the caller frees it. */
static char *replace_all(const char *text, const char *from, const char *to) {
  size_t from_length = strlen(from);
  size_t to_length = strlen(to);
  size_t count = 0;
  for (const char *at = strstr(text, from); at != NULL; at = strstr(at + from_length, from)) {
    count++;
  }
  char *result = malloc(strlen(text) + count * to_length + 1);
  char *write = result;
  const char *read = text;
  for (const char *at = strstr(read, from); at != NULL; at = strstr(read, from)) {
    memcpy(write, read, (size_t)(at - read));
    write += at - read;
    memcpy(write, to, to_length);
    write += to_length;
    read = at + from_length;
  }
  strcpy(write, read);
  return result;
}

/* Builds a sandbox configuration; NULL arguments take the working defaults. */
static char *make_config(const char *client_secret, const char *login, const char *password,
                         const char *client_id) {
  char *config = malloc(2048);
  snprintf(config, 2048,
           "{\"environment\": \"qualification\", \"token_url\": \"%s/api/oauth/token\", "
           "\"base_url\": \"%s\", \"client_id\": \"%s\", \"client_secret\": \"%s\", "
           "\"technical_login\": \"%s\", \"technical_password\": \"%s\", \"language\": \"en\", "
           "\"timeout_seconds\": 10, \"bank_account\": {\"iban\": "
           "\"FR7630006000011234567890189\", \"bic\": \"AGRIFRPP882\"}}",
           sandbox_url, sandbox_url, client_id ? client_id : "sandbox-client-id",
           client_secret ? client_secret : "sandbox-client-secret",
           login ? login : "TECH_1_sandbox@cpro.fr",
           password ? password : "sandbox-technical-password");
  return config;
}

static chorus_client *configured_client(const char *client_secret, const char *login,
                                        const char *password, const char *client_id) {
  chorus_client *client = chorus_client_new();
  char *config = make_config(client_secret, login, password, client_id);
  char *out = NULL;
  uint32_t code = chorus_configure(client, config, &out);
  if (code != CHORUS_OK) {
    fprintf(stderr, "  configure failed: %s\n", out);
  }
  chorus_string_free(out);
  free(config);
  return client;
}

static void sleep_ms(long milliseconds) {
  struct timespec delay = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
  nanosleep(&delay, NULL);
}

/* Copies a string value of "key" from compact JSON into `value`. */
static int json_string(const char *json, const char *key, char *value, size_t capacity) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *start = json != NULL ? strstr(json, pattern) : NULL;
  if (start == NULL) {
    return 0;
  }
  start += strlen(pattern);
  size_t length = 0;
  while (start[length] != '\0' && start[length] != '"' && length + 1 < capacity) {
    length++;
  }
  memcpy(value, start, length);
  value[length] = '\0';
  return 1;
}

/* Submits an invoice and polls until the flux is final; returns the final status JSON. */
static char *submit_and_wait(chorus_client *client, const char *invoice) {
  char *out = NULL;
  uint32_t code = chorus_submit(client, invoice, &out);
  CHECK_CODE(code, CHORUS_OK);
  char flux_number[128] = "";
  CHECK(json_string(out, "flux_number", flux_number, sizeof flux_number));
  chorus_string_free(out);
  if (code != CHORUS_OK) {
    return NULL;
  }
  char query[256];
  snprintf(query, sizeof query, "{\"flux_number\": \"%s\"}", flux_number);
  for (int poll = 0; poll < 100; poll++) {
    out = NULL;
    code = chorus_get_status(client, query, &out);
    CHECK_CODE(code, CHORUS_OK);
    if (code != CHORUS_OK || contains(out, "\"final\":true")) {
      return out;
    }
    chorus_string_free(out);
    sleep_ms(100);
  }
  CHECK(!"flux never reached a final state");
  return NULL;
}

static void test_version_and_names(void) {
  CHECK(strlen(chorus_version()) > 0);
  CHECK(strcmp(chorus_result_name(CHORUS_OK), "CHORUS_OK") == 0);
  CHECK(strcmp(chorus_result_name(CHORUS_ERR_TIMEOUT), "CHORUS_ERR_TIMEOUT") == 0);
  CHECK(strcmp(chorus_result_name(CHORUS_ERR_DUPLICATE_INVOICE),
               "CHORUS_ERR_DUPLICATE_INVOICE") == 0);
  CHECK(strcmp(chorus_result_name(123456), "UNKNOWN") == 0);
}

static void test_null_arguments(void) {
  char *out = NULL;
  CHECK_CODE(chorus_configure(NULL, "{}", &out), CHORUS_ERR_NULL_ARGUMENT);
  CHECK(contains(out, "CHORUS_ERR_NULL_ARGUMENT"));
  chorus_string_free(out);
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  CHECK_CODE(chorus_configure(client, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_submit(client, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_get_status(client, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_test_connection(NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  chorus_client_free(client);
  chorus_client_free(NULL);
  chorus_string_free(NULL);
}

static void test_invalid_inputs(void) {
  chorus_client *client = chorus_client_new();
  char *out = NULL;
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_ERR_NOT_CONFIGURED);
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_configure(client, "{\"client_id\": \"\xff\xfe\"}", &out),
             CHORUS_ERR_INVALID_UTF8);
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_configure(client, "{\"client_id\": ", &out), CHORUS_ERR_INVALID_JSON);
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_configure(client, "{\"client_idd\": \"x\"}", &out),
             CHORUS_ERR_INVALID_CONFIGURATION);
  CHECK(contains(out, "client_idd"));
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_configure(client, "{\"base_url\": \"http://example.org\", \"language\": \"en\"}",
                              &out),
             CHORUS_ERR_INVALID_CONFIGURATION);
  CHECK(contains(out, "\"path\":\"base_url\""));
  CHECK(contains(out, "\"path\":\"client_secret\""));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_configure_masks_secrets(void) {
  chorus_client *client = chorus_client_new();
  char *config = make_config(NULL, NULL, NULL, NULL);
  char *out = NULL;
  CHECK_CODE(chorus_configure(client, config, &out), CHORUS_OK);
  CHECK(contains(out, "********"));
  CHECK(!contains(out, "sandbox-client-secret"));
  CHECK(!contains(out, "sandbox-technical-password"));
  chorus_string_free(out);
  free(config);
  chorus_client_free(client);
}

static void test_connection_ok(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *out = NULL;
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_OK);
  CHECK(contains(out, "\"ok\":true"));
  CHECK(contains(out, "\"name\":\"technical_account\""));
  CHECK(contains(out, SAMPLE_SELLER_SIRET));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_wrong_client_secret(void) {
  chorus_client *client = configured_client("not-the-secret", NULL, NULL, NULL);
  char *out = NULL;
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_ERR_PISTE_CLIENT_REJECTED);
  CHECK(contains(out, "\"oauth_error\":\"invalid_client\""));
  CHECK(contains(out, "\"http_status\":400"));
  CHECK(contains(out, "\"outcome\":\"failed\""));
  CHECK(!contains(out, "not-the-secret"));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_wrong_technical_password(void) {
  chorus_client *client = configured_client(NULL, NULL, "wrong-password", NULL);
  char *out = NULL;
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED);
  CHECK(contains(out, "\"http_status\":401"));
  CHECK(contains(out, "www_authenticate"));
  CHECK(!contains(out, "wrong-password"));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_expired_technical_password(void) {
  chorus_client *client =
      configured_client(NULL, "TECH_2_expired@cpro.fr", "expired-password", NULL);
  char *out = NULL;
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED);
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_api_not_subscribed(void) {
  chorus_client *client =
      configured_client("unsubscribed-client-secret", NULL, NULL, "unsubscribed-client-id");
  char *out = NULL;
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_ERR_API_ACCESS_DENIED);
  CHECK(contains(out, "\"http_status\":403"));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_network_failure(void) {
  chorus_client *client = chorus_client_new();
  char *out = NULL;
  /* Port 1 on loopback has no listener: the connection is refused. */
  const char *config =
      "{\"environment\": \"qualification\", \"token_url\": \"http://127.0.0.1:1/token\", "
      "\"base_url\": \"http://127.0.0.1:1\", \"client_id\": \"a\", \"client_secret\": \"b\", "
      "\"technical_login\": \"c\", \"technical_password\": \"d\"}";
  CHECK_CODE(chorus_configure(client, config, NULL), CHORUS_OK);
  CHECK_CODE(chorus_test_connection(client, &out), CHORUS_ERR_CONNECTION_REFUSED);
  CHECK(contains(out, "\"retryable\":true"));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_submit_and_status(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *invoice = replace_all(sample_invoice, SAMPLE_NUMBER, "C-OK-1");
  char *status = submit_and_wait(client, invoice);
  CHECK(contains(status, "\"state\":\"IN_INTEGRE\""));
  CHECK(contains(status, "\"outcome\":\"integrated\""));
  CHECK(contains(status, "\"invoice_number\":\"C-OK-1\""));
  CHECK(contains(status, "\"portal_invoice_id\":"));
  CHECK(contains(status, "\"status\":\""));
  CHECK(contains(status, "DEPOSEE"));
  chorus_string_free(status);
  free(invoice);
  chorus_client_free(client);
}

static void test_duplicate_number(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *invoice = replace_all(sample_invoice, SAMPLE_NUMBER, "C-DUP-1");
  char *first = submit_and_wait(client, invoice);
  CHECK(contains(first, "\"state\":\"IN_INTEGRE\""));
  char *second = submit_and_wait(client, invoice);
  CHECK(contains(second, "\"state\":\"IN_REJETE\""));
  CHECK(contains(second, "\"reason\":\"duplicate_invoice_number\""));
  CHECK(contains(second, "\"name\":\"CHORUS_ERR_DUPLICATE_INVOICE\""));
  chorus_string_free(first);
  chorus_string_free(second);
  free(invoice);
  chorus_client_free(client);
}

static void test_unknown_supplier(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  /* A valid SIRET (La Poste's head office) that the sandbox data set does not hold. */
  char *renumbered = replace_all(sample_invoice, SAMPLE_NUMBER, "C-UNK-1");
  char *invoice = replace_all(renumbered, SAMPLE_SELLER_SIRET, "35600000000048");
  char *second = replace_all(invoice, "FR11999999998", "FR39356000000");
  char *third = replace_all(second, "999999998", "356000000");
  char *status = submit_and_wait(client, third);
  CHECK(contains(status, "\"state\":\"IN_REJETE\""));
  CHECK(contains(status, "\"reason\":\"supplier_identifier\""));
  chorus_string_free(status);
  free(third);
  free(second);
  free(invoice);
  free(renumbered);
  chorus_client_free(client);
}

static void test_invalid_invoice_not_sent(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *invoice = replace_all(sample_invoice, SAMPLE_SELLER_SIRET, "12345678901234");
  char *out = NULL;
  CHECK_CODE(chorus_submit(client, invoice, &out), CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "\"problems\":["));
  CHECK(contains(out, "siret"));
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_submit(client, "{\"not\": \"an invoice\"}", &out),
             CHORUS_ERR_INVALID_INVOICE);
  chorus_string_free(out);
  free(invoice);
  chorus_client_free(client);
}

static void test_status_queries(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *out = NULL;
  CHECK_CODE(chorus_get_status(client, "{\"flux\": 1}", &out), CHORUS_ERR_INVALID_QUERY);
  chorus_string_free(out);
  out = NULL;
  CHECK_CODE(chorus_get_status(client, "not json", &out), CHORUS_ERR_INVALID_JSON);
  chorus_string_free(out);
  out = NULL;
  CHECK_CODE(chorus_get_status(client, "{\"flux_number\": \"CPP0000000000000000000000\"}", &out),
             CHORUS_OK);
  CHECK(contains(out, "\"state\":\"NOT_YET_VISIBLE\""));
  CHECK(contains(out, "\"final\":false"));
  chorus_string_free(out);
  chorus_client_free(client);
}

struct thread_job {
  chorus_client *client;
  int index;
  uint32_t code;
};

static void *submit_from_thread(void *argument) {
  struct thread_job *job = argument;
  char number[32];
  snprintf(number, sizeof number, "C-THR-%d", job->index);
  char *invoice = replace_all(sample_invoice, SAMPLE_NUMBER, number);
  char *out = NULL;
  job->code = chorus_submit(job->client, invoice, &out);
  chorus_string_free(out);
  free(invoice);
  return NULL;
}

static void test_one_handle_eight_threads(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  pthread_t threads[8];
  struct thread_job jobs[8];
  for (int index = 0; index < 8; index++) {
    jobs[index] = (struct thread_job){client, index, 9999};
    CHECK(pthread_create(&threads[index], NULL, submit_from_thread, &jobs[index]) == 0);
  }
  for (int index = 0; index < 8; index++) {
    pthread_join(threads[index], NULL);
    CHECK_CODE(jobs[index].code, CHORUS_OK);
  }
  chorus_client_free(client);
}

struct test_case {
  const char *name;
  void (*run)(void);
};

int main(void) {
  sandbox_url = getenv("SANDBOX_URL");
  sample_invoice = read_file(SAMPLE_INVOICE);
  if (sandbox_url == NULL || sample_invoice == NULL) {
    fprintf(stderr, "set SANDBOX_URL and run from the repository root\n");
    return 2;
  }
  const struct test_case tests[] = {
      {"version_and_names", test_version_and_names},
      {"null_arguments", test_null_arguments},
      {"invalid_inputs", test_invalid_inputs},
      {"configure_masks_secrets", test_configure_masks_secrets},
      {"connection_ok", test_connection_ok},
      {"wrong_client_secret", test_wrong_client_secret},
      {"wrong_technical_password", test_wrong_technical_password},
      {"expired_technical_password", test_expired_technical_password},
      {"api_not_subscribed", test_api_not_subscribed},
      {"network_failure", test_network_failure},
      {"submit_and_status", test_submit_and_status},
      {"duplicate_number", test_duplicate_number},
      {"unknown_supplier", test_unknown_supplier},
      {"invalid_invoice_not_sent", test_invalid_invoice_not_sent},
      {"status_queries", test_status_queries},
      {"one_handle_eight_threads", test_one_handle_eight_threads},
  };
  int passed = 0;
  int failed = 0;
  for (size_t index = 0; index < sizeof tests / sizeof tests[0]; index++) {
    checks_failed_in_test = 0;
    tests[index].run();
    if (checks_failed_in_test == 0) {
      printf("ok     %s\n", tests[index].name);
      passed++;
    } else {
      printf("FAILED %s\n", tests[index].name);
      failed++;
    }
  }
  free(sample_invoice);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
