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
  /* run.sh passes the version of Cargo.toml. */
  const char *expected_version = getenv("CHORUS_EXPECTED_VERSION");
  CHECK(expected_version != NULL);
  CHECK(expected_version == NULL || strcmp(chorus_version(), expected_version) == 0);
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

/* The sample invoice renumbered and sent to another buyer (SIRET, SIREN and a VAT number
   valid for that SIREN) with the service code `service`, or none when NULL. */
static char *invoice_to_buyer(const char *number, const char *siret, const char *siren,
                              const char *vat, const char *service) {
  char *renumbered = replace_all(sample_invoice, SAMPLE_NUMBER, number);
  char *with_siret = replace_all(renumbered, "78787878400018", siret);
  char *with_vat = replace_all(with_siret, "FR19787878784", vat);
  char *with_siren = replace_all(with_vat, "787878784", siren);
  char *result;
  if (service == NULL) {
    result = replace_all(with_siren, "\"buyer_reference\": \"120943\",", "");
  } else {
    char code[64];
    snprintf(code, sizeof code, "\"buyer_reference\": \"%s\"", service);
    result = replace_all(with_siren, "\"buyer_reference\": \"120943\"", code);
  }
  free(renumbered);
  free(with_siret);
  free(with_vat);
  free(with_siren);
  return result;
}

/* Reads the first integer value of "key" in compact JSON; 0 when absent. */
static long long json_integer(const char *json, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *start = json != NULL ? strstr(json, pattern) : NULL;
  return start != NULL ? strtoll(start + strlen(pattern), NULL, 10) : 0;
}

/* Submits an invoice, waits for its flux, and returns the invoice's portal id (0 on failure). */
static long long submit_for_id(chorus_client *client, const char *invoice) {
  char *status = submit_and_wait(client, invoice);
  CHECK(contains(status, "\"state\":\"IN_INTEGRE\""));
  long long id = json_integer(status, "portal_invoice_id");
  chorus_string_free(status);
  CHECK(id > 0);
  return id;
}

/* Polls an invoice until its status JSON contains `fragment`; returns that JSON. A state
   name appears once the invoice has reached it, in the current status or the history. */
static char *wait_invoice(chorus_client *client, long long id, const char *fragment) {
  char query[128];
  snprintf(query, sizeof query, "{\"portal_invoice_id\": %lld}", id);
  for (int poll = 0; poll < 200; poll++) {
    char *out = NULL;
    uint32_t code = chorus_get_status(client, query, &out);
    CHECK_CODE(code, CHORUS_OK);
    if (code != CHORUS_OK || contains(out, fragment)) {
      return out;
    }
    chorus_string_free(out);
    sleep_ms(50);
  }
  fprintf(stderr, "  invoice %lld never showed %s\n", id, fragment);
  CHECK(!"invoice never reached the expected status");
  return NULL;
}

static void test_lifecycle_null_arguments(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *out = NULL;
  CHECK_CODE(chorus_lookup_buyer(client, NULL, &out), CHORUS_ERR_NULL_ARGUMENT);
  chorus_string_free(out);
  CHECK_CODE(chorus_lookup_buyer(NULL, "{}", NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_list_supplier_structures(NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_complete_invoice(client, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_recycle_invoice(client, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  out = NULL;
  CHECK_CODE(chorus_complete_invoice(client, "{\"portal_invoice_id\": \"x\"}", &out),
             CHORUS_ERR_INVALID_QUERY);
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_lookup_buyer(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *out = NULL;
  CHECK_CODE(chorus_lookup_buyer(client, "{\"siret\": \"21690012600014\"}", &out), CHORUS_OK);
  CHECK(contains(out, "\"structure_id\":26305"));
  CHECK(contains(out, "\"requirement\":\"service_code\""));
  CHECK(contains(out, "\"code\":\"PAIEMENT\""));
  CHECK(contains(out, "\"inactive_services\":[{\"code\":\"FERME\""));
  CHECK(!contains(out, "FACTURES_PUBLIQUES"));
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_lookup_buyer(client, "{\"siret\": \"35600000000048\"}", &out),
             CHORUS_ERR_NOT_FOUND);
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_list_supplier_structures(client, &out), CHORUS_OK);
  CHECK(contains(out, "\"identifier\":\"" SAMPLE_SELLER_SIRET "\""));
  CHECK(contains(out, "\"bank_account_id\":7101"));
  chorus_string_free(out);
  chorus_client_free(client);
}

static void test_service_code_checked_before_sending(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  const char *services[] = {NULL, "SE-ANCIEN", "NOPE"};
  const char *expected[] = {"requires a service code", "inactive", "unknown"};
  for (int index = 0; index < 3; index++) {
    char *invoice = invoice_to_buyer("C-SVC-1", "11000201100044", "110002011", "FR17110002011",
                                     services[index]);
    char *out = NULL;
    CHECK_CODE(chorus_submit(client, invoice, &out), CHORUS_ERR_INVALID_INVOICE);
    CHECK(contains(out, "\"path\":\"buyer_reference\""));
    CHECK(contains(out, expected[index]));
    chorus_string_free(out);
    free(invoice);
  }
  chorus_client_free(client);
}

static void test_suspended_invoice_completed(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *invoice = invoice_to_buyer("C-SUS-1", "21690012600014", "216900126", "FR43216900126",
                                   "SUSPENSION");
  long long id = submit_for_id(client, invoice);
  char *suspended = wait_invoice(client, id, "\"state\":\"suspended\"");
  CHECK(contains(suspended, "\"action\":\"complete\""));
  CHECK(contains(suspended, "bon de livraison"));
  chorus_string_free(suspended);

  char request[160];
  snprintf(request, sizeof request,
           "{\"portal_invoice_id\": %lld, \"comment\": \"Bon de livraison joint\"}", id);
  char *out = NULL;
  CHECK_CODE(chorus_complete_invoice(client, request, &out), CHORUS_OK);
  CHECK(contains(out, "\"invoice_number\":\"C-SUS-1\""));
  chorus_string_free(out);

  char *paid = wait_invoice(client, id, "\"state\":\"payment_under_way\"");
  CHECK(contains(paid, "\"final\":true"));
  CHECK(contains(paid, "\"status\":\"COMPLETEE\""));
  CHECK(contains(paid, "Bon de livraison joint"));
  chorus_string_free(paid);
  free(invoice);
  chorus_client_free(client);
}

static void test_returned_invoice_recycled(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *invoice = invoice_to_buyer("C-REC-1", "21690012600014", "216900126", "FR43216900126",
                                   "RECYCLAGE");
  long long id = submit_for_id(client, invoice);
  char *returned = wait_invoice(client, id, "\"state\":\"to_recycle\"");
  CHECK(contains(returned, "\"action\":\"recycle\""));
  chorus_string_free(returned);

  char request[160];
  snprintf(request, sizeof request, "{\"portal_invoice_id\": %lld, \"service_code\": \"FERME\"}",
           id);
  char *out = NULL;
  CHECK_CODE(chorus_recycle_invoice(client, request, &out), CHORUS_ERR_INVALID_QUERY);
  CHECK(contains(out, "\"path\":\"service_code\""));
  chorus_string_free(out);

  snprintf(request, sizeof request, "{\"portal_invoice_id\": %lld, \"service_code\": \"REJET\"}",
           id);
  out = NULL;
  CHECK_CODE(chorus_recycle_invoice(client, request, &out), CHORUS_OK);
  CHECK(contains(out, "\"invoice_number\":\"C-REC-1\""));
  chorus_string_free(out);

  char *rejected = wait_invoice(client, id, "\"state\":\"rejected\"");
  CHECK(contains(rejected, "\"final\":true"));
  CHECK(contains(rejected, "bon de commande"));
  chorus_string_free(rejected);
  free(invoice);
  chorus_client_free(client);
}

struct log_capture {
  pthread_mutex_t lock;
  int records;
  int records_with_secret;
  int warnings;
};

static void capture_log(void *userdata, uint32_t level, const char *target, const char *message) {
  struct log_capture *capture = userdata;
  pthread_mutex_lock(&capture->lock);
  capture->records++;
  if (level <= CHORUS_LOG_WARN) {
    capture->warnings++;
  }
  if (contains(message, "sandbox-client-secret") || contains(message, "wrong-password") ||
      contains(target, "secret")) {
    capture->records_with_secret++;
  }
  pthread_mutex_unlock(&capture->lock);
}

static void test_log_callback(void) {
  struct log_capture capture = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
  CHECK_CODE(chorus_set_log_callback(capture_log, &capture, CHORUS_LOG_INFO), CHORUS_OK);
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  CHECK_CODE(chorus_test_connection(client, NULL), CHORUS_OK);
  chorus_client *refused = configured_client(NULL, NULL, "wrong-password", NULL);
  CHECK_CODE(chorus_test_connection(refused, NULL), CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED);
  CHECK_CODE(chorus_set_log_callback(NULL, NULL, CHORUS_LOG_OFF), CHORUS_OK);
  int records_while_on = capture.records;
  CHECK_CODE(chorus_test_connection(client, NULL), CHORUS_OK);
  CHECK(records_while_on > 0);
  CHECK(capture.warnings > 0);
  CHECK(capture.records_with_secret == 0);
  CHECK(capture.records == records_while_on);
  chorus_client_free(refused);
  chorus_client_free(client);
}

/* An invoice paid by credit transfer that names no bank account: only a configured
 * handle, whose configuration has one, can build it. */
static const char *const INVOICE_WITHOUT_ACCOUNT =
    "{\"type_code\": \"380\", \"number\": \"C-NOACC-1\", \"issue_date\": \"2026-06-17\", "
    "\"due_date\": \"2026-07-17\", "
    "\"seller\": {\"name\": \"Au bon moulin\", \"siret\": \"99999999800019\", "
    "\"vat_identifier\": \"FR11999999998\", \"address\": {\"country_code\": \"FR\"}}, "
    "\"buyer\": {\"name\": \"Ma jolie boutique\", \"siret\": \"78787878400018\", "
    "\"address\": {\"country_code\": \"FR\"}}, "
    "\"lines\": [{\"id\": \"1\", \"quantity\": \"2\", \"unit_code\": \"C62\", "
    "\"net_price\": \"10.00\", \"vat_category\": \"S\", \"vat_rate\": \"20\", "
    "\"item_name\": \"Huile d'olive & <co>\"}]}";

static void test_build_xml_unconfigured(void) {
  chorus_client *client = chorus_client_new();
  char *out = NULL;
  CHECK_CODE(chorus_build_xml(client, sample_invoice, NULL, &out), CHORUS_OK);
  CHECK(contains(out, "\"syntax\":\"IN_DP_E1_UBL_INVOICE\""));
  CHECK(contains(out, "\"commented\":false"));
  CHECK(contains(out, "\"sha256\":\""));
  CHECK(contains(out, "\"size\":"));
  CHECK(contains(out, "<Invoice xmlns="));
  CHECK(contains(out, "<cbc:ID>" SAMPLE_NUMBER "</cbc:ID>"));
  CHECK(!contains(out, "<!--"));
  chorus_string_free(out);

  /* Without a configuration there is no default account to pay into. */
  out = NULL;
  CHECK_CODE(chorus_build_xml(client, INVOICE_WITHOUT_ACCOUNT, NULL, &out),
             CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "\"path\":\"payment_instructions.credit_transfer\""));
  chorus_string_free(out);

  CHECK_CODE(chorus_build_xml(client, sample_invoice, NULL, NULL), CHORUS_OK);
  CHECK_CODE(chorus_build_xml(client, NULL, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  CHECK_CODE(chorus_build_xml(NULL, sample_invoice, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  chorus_client_free(client);
}

static void test_build_xml_options(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *credit_note = read_file("examples/invoices/credit-note.json");
  CHECK(credit_note != NULL);
  char *out = NULL;
  CHECK_CODE(chorus_build_xml(client, credit_note, "{\"syntax\": \"cii\", \"commented\": true}",
                              &out),
             CHORUS_OK);
  CHECK(contains(out, "\"syntax\":\"IN_DP_E1_CII_16B\""));
  CHECK(contains(out, "\"commented\":true"));
  CHECK(contains(out, "\"credit_note\":true"));
  CHECK(contains(out, "<rsm:CrossIndustryInvoice"));
  CHECK(contains(out, "<ram:TypeCode>381</ram:TypeCode>"));
  CHECK(contains(out, "<!-- BT-1 Numéro de facture / Invoice number -->"));
  chorus_string_free(out);

  /* The sample names two preceding invoices, and CII D16B carries only one. */
  out = NULL;
  CHECK_CODE(chorus_build_xml(client, sample_invoice, "{\"syntax\": \"cii\"}", &out),
             CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "\"path\":\"preceding_invoices\""));
  chorus_string_free(out);

  /* The configuration's default account pays an invoice that names none. */
  out = NULL;
  CHECK_CODE(chorus_build_xml(client, INVOICE_WITHOUT_ACCOUNT, NULL, &out), CHORUS_OK);
  CHECK(contains(out, "FR7630006000011234567890189"));
  CHECK(contains(out, "Huile d'olive &amp; &lt;co&gt;"));
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_build_xml(client, credit_note, "{\"syntax\": \"pdf\"}", &out),
             CHORUS_ERR_INVALID_JSON);
  CHECK(contains(out, "options_json"));
  chorus_string_free(out);
  out = NULL;
  CHECK_CODE(chorus_build_xml(client, credit_note, "{\"comments\": true}", &out),
             CHORUS_ERR_INVALID_JSON);
  chorus_string_free(out);
  free(credit_note);
  chorus_client_free(client);
}

static void test_validate(void) {
  chorus_client *client = chorus_client_new();
  char *out = NULL;
  CHECK_CODE(chorus_validate(client, sample_invoice, &out), CHORUS_OK);
  CHECK(contains(out, "\"valid\":true"));
  CHECK(contains(out, "\"problems\":[]"));
  chorus_string_free(out);

  char *renumbered = replace_all(sample_invoice, SAMPLE_NUMBER, "F#12");
  char *invalid = replace_all(renumbered, "78787878400018", "78787878400019");
  out = NULL;
  CHECK_CODE(chorus_validate(client, invalid, &out), CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "\"path\":\"number\""));
  CHECK(contains(out, "\"path\":\"buyer.siret\""));
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_validate(client, INVOICE_WITHOUT_ACCOUNT, &out), CHORUS_ERR_INVALID_INVOICE);
  chorus_string_free(out);
  /* Text that is not JSON gets the JSON code, as with the other inputs. */
  CHECK_CODE(chorus_validate(client, "{\"number\": ", NULL), CHORUS_ERR_INVALID_JSON);
  CHECK_CODE(chorus_validate(client, "", NULL), CHORUS_ERR_INVALID_JSON);
  CHECK_CODE(chorus_validate(client, NULL, NULL), CHORUS_ERR_NULL_ARGUMENT);
  chorus_client_free(client);

  /* A handle whose portal is unreachable still validates: nothing is sent. */
  chorus_client *offline = chorus_client_new();
  const char *config =
      "{\"environment\": \"qualification\", \"token_url\": \"http://127.0.0.1:1/token\", "
      "\"base_url\": \"http://127.0.0.1:1\", \"client_id\": \"a\", \"client_secret\": \"b\", "
      "\"technical_login\": \"c\", \"technical_password\": \"d\", \"language\": \"en\", "
      "\"bank_account\": {\"iban\": \"FR7630006000011234567890189\"}}";
  CHECK_CODE(chorus_configure(offline, config, NULL), CHORUS_OK);
  CHECK_CODE(chorus_validate(offline, INVOICE_WITHOUT_ACCOUNT, NULL), CHORUS_OK);
  out = NULL;
  CHECK_CODE(chorus_validate(offline, invalid, &out), CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "invalid invoice number"));
  chorus_string_free(out);
  chorus_client_free(offline);
  free(invalid);
  free(renumbered);
}

/* A credit note with "syntax": "cii" is deposited as IN_DP_E1_CII_16B and integrated. */
static void test_submit_cii(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *credit_note = read_file("examples/invoices/credit-note.json");
  CHECK(credit_note != NULL);
  char *renumbered = replace_all(credit_note, "AV124213", "C-CII-1");
  char *invoice = replace_all(renumbered, "\"type_code\"", "\"syntax\": \"cii\", \"type_code\"");
  char *out = NULL;
  CHECK_CODE(chorus_build_xml(client, invoice, NULL, &out), CHORUS_OK);
  CHECK(contains(out, "\"syntax\":\"IN_DP_E1_CII_16B\""));
  chorus_string_free(out);
  char *status = submit_and_wait(client, invoice);
  CHECK(contains(status, "\"state\":\"IN_INTEGRE\""));
  CHECK(contains(status, "\"interface_code\":\"FSO1106A\""));
  CHECK(contains(status, "\"invoice_number\":\"C-CII-1\""));
  chorus_string_free(status);
  free(invoice);
  free(renumbered);
  free(credit_note);
  chorus_client_free(client);
}

/* Returns the standard base64 encoding of `size` bytes; the caller frees it. */
static char *base64_encode(const unsigned char *bytes, size_t size) {
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *encoded = malloc((size + 2) / 3 * 4 + 1);
  char *write = encoded;
  for (size_t index = 0; index < size; index += 3) {
    unsigned long group = (unsigned long)bytes[index] << 16;
    if (index + 1 < size) {
      group |= (unsigned long)bytes[index + 1] << 8;
    }
    if (index + 2 < size) {
      group |= bytes[index + 2];
    }
    *write++ = alphabet[(group >> 18) & 63];
    *write++ = alphabet[(group >> 12) & 63];
    *write++ = index + 1 < size ? alphabet[(group >> 6) & 63] : '=';
    *write++ = index + 2 < size ? alphabet[group & 63] : '=';
  }
  *write = '\0';
  return encoded;
}

/* Builds a `{"file": ...}` request for chorus_submit; the caller frees it. */
static char *ready_file_request(const char *syntax, const char *file_name, const char *content) {
  char *encoded = base64_encode((const unsigned char *)content, strlen(content));
  size_t capacity = strlen(encoded) + strlen(syntax) + strlen(file_name) + 128;
  char *request = malloc(capacity);
  snprintf(request, capacity,
           "{\"file\": {\"syntax\": \"%s\", \"file_name\": \"%s\", \"content_base64\": \"%s\"}}",
           syntax, file_name, encoded);
  free(encoded);
  return request;
}

static void test_submit_ready_file(void) {
  chorus_client *client = configured_client(NULL, NULL, NULL, NULL);
  char *xml = read_file("tests/fixtures/ready-ubl-invoice.xml");
  CHECK(xml != NULL);
  if (xml == NULL) {
    chorus_client_free(client);
    return;
  }

  /* The file is UBL, so declaring CII is rejected before anything is sent. */
  char *mismatch = ready_file_request("IN_DP_E1_CII_16B", "ready.xml", xml);
  char *out = NULL;
  CHECK_CODE(chorus_submit(client, mismatch, &out), CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "\"path\":\"file.syntax\""));
  chorus_string_free(out);

  char *request = ready_file_request("IN_DP_E1_UBL_INVOICE", "ready.xml", xml);
  char *status = submit_and_wait(client, request);
  CHECK(contains(status, "\"state\":\"IN_INTEGRE\""));
  CHECK(contains(status, "\"interface_code\":\"FSO1100A\""));
  CHECK(contains(status, "\"invoice_number\":\"C-READY-1\""));
  chorus_string_free(status);

  free(request);
  free(mismatch);
  free(xml);
  chorus_client_free(client);
}

/* Validates and builds a ready UBL file on a handle without configuration: the same
 * checks as chorus_submit, and the file itself returned as the XML. */
static void test_validate_and_build_ready_file(void) {
  chorus_client *client = chorus_client_new();
  char *xml = read_file("tests/fixtures/ready-ubl-invoice.xml");
  CHECK(xml != NULL);
  if (xml == NULL) {
    chorus_client_free(client);
    return;
  }
  char expected_size[48];
  snprintf(expected_size, sizeof expected_size, "\"size\":%zu", strlen(xml));
  char *request = ready_file_request("IN_DP_E1_UBL_INVOICE", "ready.xml", xml);

  char *out = NULL;
  CHECK_CODE(chorus_validate(client, request, &out), CHORUS_OK);
  CHECK(contains(out, "\"valid\":true"));
  CHECK(contains(out, "\"problems\":[]"));
  CHECK(contains(out, "\"syntax\":\"IN_DP_E1_UBL_INVOICE\""));
  CHECK(contains(out, "\"invoice_number\":\"C-READY-1\""));
  CHECK(contains(out, "\"credit_note\":false"));
  CHECK(contains(out, "\"passthrough\":true"));
  CHECK(contains(out, expected_size));
  char validated_sha256[80] = "";
  CHECK(json_string(out, "sha256", validated_sha256, sizeof validated_sha256));
  CHECK(strlen(validated_sha256) == 64);
  chorus_string_free(out);

  /* Every problem of the ready file is listed, each with its path. */
  char *mismatch = ready_file_request("IN_DP_E1_CII_16B", "ready.pdf", xml);
  out = NULL;
  CHECK_CODE(chorus_validate(client, mismatch, &out), CHORUS_ERR_INVALID_INVOICE);
  CHECK(contains(out, "\"path\":\"file.file_name\""));
  CHECK(contains(out, "\"path\":\"file.syntax\""));
  chorus_string_free(out);

  out = NULL;
  CHECK_CODE(chorus_build_xml(client, request, NULL, &out), CHORUS_OK);
  CHECK(contains(out, "<cbc:ID>C-READY-1</cbc:ID>"));
  CHECK(contains(out, "\"invoice_number\":\"C-READY-1\""));
  CHECK(contains(out, "\"commented\":false"));
  CHECK(contains(out, "\"passthrough\":true"));
  CHECK(contains(out, expected_size));
  char built_sha256[80] = "";
  CHECK(json_string(out, "sha256", built_sha256, sizeof built_sha256));
  CHECK(strcmp(built_sha256, validated_sha256) == 0);
  chorus_string_free(out);

  /* Comments are written only for invoices built from JSON. An unconfigured handle
   * reports in French. */
  out = NULL;
  CHECK_CODE(chorus_build_xml(client, request, "{\"commented\": true}", &out),
             CHORUS_ERR_INVALID_JSON);
  CHECK(contains(out, "Les commentaires ne sont"));
  chorus_string_free(out);

  free(mismatch);
  free(request);
  free(xml);
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
      {"lifecycle_null_arguments", test_lifecycle_null_arguments},
      {"lookup_buyer", test_lookup_buyer},
      {"service_code_checked_before_sending", test_service_code_checked_before_sending},
      {"suspended_invoice_completed", test_suspended_invoice_completed},
      {"returned_invoice_recycled", test_returned_invoice_recycled},
      {"log_callback", test_log_callback},
      {"build_xml_unconfigured", test_build_xml_unconfigured},
      {"build_xml_options", test_build_xml_options},
      {"validate", test_validate},
      {"submit_cii", test_submit_cii},
      {"submit_ready_file", test_submit_ready_file},
      {"validate_and_build_ready_file", test_validate_and_build_ready_file},
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
