/*
 * A minimal ERP host: configures one company file, tests the connection, deposits an
 * invoice and polls its status until the flux reaches a final state.
 *
 * Usage: erp_host CONFIG.json INVOICE.json [POLL_INTERVAL_MS [MAX_POLLS]]
 *
 * Without POLL_INTERVAL_MS the host waits as long as the library suggests
 * (`retry_after_seconds`), which suits the real portal; against the local sandbox a few
 * hundred milliseconds are enough.
 *
 * The JSON results are read here with a naive key search to keep the example free of
 * dependencies; a real ERP parses them with its own JSON library.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus_pro.h"

static char *read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  if (fseek(file, 0, SEEK_END) != 0) {
    fclose(file);
    return NULL;
  }
  long size = ftell(file);
  rewind(file);
  char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (text == NULL || fread(text, 1, (size_t)size, file) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    free(text);
    fclose(file);
    return NULL;
  }
  text[size] = '\0';
  fclose(file);
  return text;
}

/*
 * Copies the string, number or boolean value of a top-level "key" of a compact JSON
 * object into `value`. Keys inside nested objects and arrays are skipped, so that the
 * flux's "state" is not mistaken for an invoice's.
 */
static int json_value(const char *json, const char *key, char *value, size_t capacity) {
  if (json == NULL || capacity == 0) {
    return 0;
  }
  size_t key_length = strlen(key);
  int depth = 0;
  for (const char *at = json; *at != '\0'; at++) {
    if (*at == '{' || *at == '[') {
      depth++;
    } else if (*at == '}' || *at == ']') {
      depth--;
    } else if (*at == '"') {
      const char *start = at + 1;
      const char *end = start;
      while (*end != '\0' && *end != '"') {
        end += (*end == '\\' && end[1] != '\0') ? 2 : 1;
      }
      if (*end == '\0') {
        return 0;
      }
      int is_key = end[1] == ':';
      if (is_key && depth == 1 && (size_t)(end - start) == key_length &&
          strncmp(start, key, key_length) == 0) {
        const char *item = end + 2;
        int quoted = *item == '"';
        item += quoted;
        size_t length = 0;
        while (item[length] != '\0' && length + 1 < capacity &&
               (quoted ? item[length] != '"'
                       : (item[length] != ',' && item[length] != '}' && item[length] != ']'))) {
          length++;
        }
        memcpy(value, item, length);
        value[length] = '\0';
        return 1;
      }
      at = end;
    }
  }
  return 0;
}

static void sleep_ms(long milliseconds) {
  struct timespec delay = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
  nanosleep(&delay, NULL);
}

/* Prints a failed step with the library's code, name and error object; returns 1. */
static int report_failure(const char *step, uint32_t code, char *out) {
  fprintf(stderr, "%s failed: %u %s\n%s\n", step, code, chorus_result_name(code),
          out != NULL ? out : "(no details)");
  chorus_string_free(out);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s CONFIG.json INVOICE.json [POLL_INTERVAL_MS [MAX_POLLS]]\n",
            argv[0]);
    return 2;
  }
  long poll_interval_ms = argc > 3 ? atol(argv[3]) : 0;
  long max_polls = argc > 4 ? atol(argv[4]) : 120;
  char *config = read_file(argv[1]);
  char *invoice = read_file(argv[2]);
  if (config == NULL || invoice == NULL) {
    free(config);
    free(invoice);
    return 2;
  }

  printf("chorus-pro %s\n", chorus_version());
  chorus_client *client = chorus_client_new();
  char *out = NULL;
  int status = 0;

  uint32_t code = chorus_configure(client, config, &out);
  if (code != CHORUS_OK) {
    status = report_failure("configure", code, out);
    goto done;
  }
  printf("[1/4] configured: %s\n", out);
  chorus_string_free(out);

  code = chorus_test_connection(client, &out);
  if (code != CHORUS_OK) {
    status = report_failure("test connection", code, out);
    goto done;
  }
  printf("[2/4] connection ok: %s\n", out);
  chorus_string_free(out);

  code = chorus_submit(client, invoice, &out);
  if (code != CHORUS_OK) {
    status = report_failure("submit", code, out);
    goto done;
  }
  char flux_number[128] = "";
  json_value(out, "flux_number", flux_number, sizeof flux_number);
  printf("[3/4] deposited: %s\n", out);
  printf("flux number: %s\n", flux_number);
  chorus_string_free(out);

  char query[256];
  snprintf(query, sizeof query, "{\"flux_number\": \"%s\"}", flux_number);
  char state[64] = "";
  char is_final[8] = "false";
  for (long poll = 1; poll <= max_polls; poll++) {
    code = chorus_get_status(client, query, &out);
    if (code != CHORUS_OK) {
      status = report_failure("get status", code, out);
      goto done;
    }
    json_value(out, "state", state, sizeof state);
    json_value(out, "final", is_final, sizeof is_final);
    printf("  poll %ld: flux state %s\n", poll, state);
    if (strcmp(is_final, "true") == 0) {
      break;
    }
    char retry_after[16] = "30";
    json_value(out, "retry_after_seconds", retry_after, sizeof retry_after);
    chorus_string_free(out);
    out = NULL;
    sleep_ms(poll_interval_ms > 0 ? poll_interval_ms : atol(retry_after) * 1000L);
  }
  if (strcmp(is_final, "true") != 0) {
    fprintf(stderr, "flux %s not final after %ld polls\n", flux_number, max_polls);
    chorus_string_free(out);
    status = 1;
    goto done;
  }
  printf("[4/4] final report: %s\n", out);
  printf("flux state: %s\n", state);
  /* The first invoice of the flux; a real ERP walks the whole "invoices" array. */
  const char *invoices = strstr(out, "\"invoices\":[{");
  char invoice_status[64] = "";
  if (invoices != NULL && json_value(invoices + strlen("\"invoices\":["), "status",
                                     invoice_status, sizeof invoice_status)) {
    printf("invoice status: %s\n", invoice_status);
  }
  chorus_string_free(out);

done:
  chorus_client_free(client);
  free(config);
  free(invoice);
  return status;
}
