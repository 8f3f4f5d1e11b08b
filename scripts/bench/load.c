/*
 * Load driver for the whole-process benchmarks: calls libchorus_pro.so through its C API
 * the way an ERP does, and prints one line of key=value results.
 *
 * Usage:
 *   load cold CONFIG.json INVOICE.json
 *       configure one handle, deposit once; prints the time of each step.
 *   load run CONFIG.json[,CONFIG2.json] submit|status INPUT.json THREADS MAX_CALLS
 *            MAX_SECONDS WARMUP_CALLS
 *       runs WARMUP_CALLS calls, reads the resident set size, then runs calls from THREADS
 *       threads until MAX_CALLS calls or MAX_SECONDS seconds, whichever comes first, and
 *       reads the resident set size again at each tenth of MAX_CALLS and at the end.
 *       Thread i uses the handle of company file i modulo the number of files. INPUT is
 *       the invoice JSON for `submit` and the status query for `status`.
 *
 * Every call must return CHORUS_OK; the driver stops with status 1 at the first failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus_pro.h"

#define MAX_FILES 2
#define MAX_THREADS 64

static double now_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static char *read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "load: cannot open %s\n", path);
    exit(2);
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  rewind(file);
  char *text = malloc((size_t)size + 1);
  if (text == NULL || fread(text, 1, (size_t)size, file) != (size_t)size) {
    fprintf(stderr, "load: cannot read %s\n", path);
    exit(2);
  }
  text[size] = '\0';
  fclose(file);
  return text;
}

/* Resident set size in KiB, from /proc/self/status. */
static long resident_kib(void) {
  FILE *file = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (file != NULL && fgets(line, sizeof line, file) != NULL) {
    if (strncmp(line, "VmRSS:", 6) == 0) {
      kib = strtol(line + 6, NULL, 10);
    }
  }
  if (file != NULL) {
    fclose(file);
  }
  return kib;
}

static chorus_client *configured_client(const char *config_path) {
  chorus_client *client = chorus_client_new();
  char *config = read_file(config_path);
  char *out = NULL;
  uint32_t code = chorus_configure(client, config, &out);
  if (code != CHORUS_OK) {
    fprintf(stderr, "load: configure %s failed: %s %s\n", config_path, chorus_result_name(code),
            out != NULL ? out : "");
    exit(1);
  }
  chorus_string_free(out);
  free(config);
  return client;
}

typedef struct {
  chorus_client *client;
  int submit;
  const char *input;
} call_target;

static void call_once(const call_target *target) {
  char *out = NULL;
  uint32_t code = target->submit ? chorus_submit(target->client, target->input, &out)
                                 : chorus_get_status(target->client, target->input, &out);
  if (code != CHORUS_OK) {
    fprintf(stderr, "load: call failed: %s %s\n", chorus_result_name(code), out != NULL ? out : "");
    exit(1);
  }
  chorus_string_free(out);
}

static int cold(const char *config_path, const char *invoice_path) {
  double started = now_seconds();
  char *invoice = read_file(invoice_path);
  chorus_client *client = configured_client(config_path);
  double configured = now_seconds();
  call_target target = {client, 1, invoice};
  call_once(&target);
  double deposited = now_seconds();
  printf("configure_ms=%.3f first_deposit_ms=%.3f main_to_deposit_ms=%.3f\n",
         (configured - started) * 1e3, (deposited - configured) * 1e3, (deposited - started) * 1e3);
  chorus_client_free(client);
  free(invoice);
  return 0;
}

typedef struct {
  call_target target;
  long max_calls;
  double deadline;
  long *next_call;
  pthread_mutex_t *lock;
  double *latencies;
  long count;
} worker;

/* Resident set size at each tenth of MAX_CALLS, taken when that call number is handed out. */
static long rss_trace_kib[10];
static int rss_trace_length = 0;

/* Takes the next call number under the lock. Returns 0 when the count or time is up. */
static int take_call(worker *self) {
  pthread_mutex_lock(self->lock);
  int more = *self->next_call < self->max_calls && now_seconds() < self->deadline;
  if (more) {
    (*self->next_call)++;
    long tenth = self->max_calls / 10;
    if (tenth > 0 && *self->next_call % tenth == 0 && rss_trace_length < 10) {
      rss_trace_kib[rss_trace_length++] = resident_kib();
    }
  }
  pthread_mutex_unlock(self->lock);
  return more;
}

static void *work(void *argument) {
  worker *self = argument;
  while (take_call(self)) {
    double started = now_seconds();
    call_once(&self->target);
    self->latencies[self->count++] = now_seconds() - started;
  }
  return NULL;
}

static int compare_doubles(const void *left, const void *right) {
  double a = *(const double *)left, b = *(const double *)right;
  return (a > b) - (a < b);
}

static int run(char **argv) {
  char *config_paths = argv[2];
  int submit = strcmp(argv[3], "submit") == 0;
  char *input = read_file(argv[4]);
  int threads = atoi(argv[5]);
  long max_calls = atol(argv[6]);
  double max_seconds = atof(argv[7]);
  long warmup_calls = atol(argv[8]);
  if (threads < 1 || threads > MAX_THREADS || max_calls < 1 || max_seconds <= 0) {
    fprintf(stderr, "load: THREADS must be 1 to %d, MAX_CALLS and MAX_SECONDS positive\n",
            MAX_THREADS);
    return 2;
  }

  chorus_client *clients[MAX_FILES];
  int files = 0;
  for (char *path = strtok(config_paths, ","); path != NULL && files < MAX_FILES;
       path = strtok(NULL, ",")) {
    clients[files++] = configured_client(path);
  }
  for (int file = 0; file < files; file++) {
    call_target target = {clients[file], submit, input};
    for (long call = 0; call < warmup_calls; call++) {
      call_once(&target);
    }
  }

  /* The latency arrays are written before the first reading of the resident set size, so
     that their pages, touched one call at a time later, do not count as growth. The fill
     byte is not zero because the compiler may turn malloc plus a zero memset into calloc,
     which leaves fresh pages untouched. */
  size_t latency_bytes = sizeof(double) * (size_t)max_calls;
  double *latencies[MAX_THREADS];
  for (int index = 0; index < threads; index++) {
    latencies[index] = malloc(latency_bytes);
    memset(latencies[index], 1, latency_bytes);
  }
  double *all = malloc(latency_bytes);
  memset(all, 1, latency_bytes);
  long resident_before = resident_kib();

  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  long next_call = 0;
  double started = now_seconds();
  worker workers[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  for (int index = 0; index < threads; index++) {
    workers[index] = (worker){{clients[index % files], submit, input},
                              max_calls,
                              started + max_seconds,
                              &next_call,
                              &lock,
                              latencies[index],
                              0};
    pthread_create(&ids[index], NULL, work, &workers[index]);
  }
  long total = 0;
  for (int index = 0; index < threads; index++) {
    pthread_join(ids[index], NULL);
    memcpy(all + total, workers[index].latencies, sizeof(double) * (size_t)workers[index].count);
    total += workers[index].count;
    free(workers[index].latencies);
  }
  double elapsed = now_seconds() - started;
  long resident_after = resident_kib();
  if (total == 0) {
    fprintf(stderr, "load: no call finished within %.1f s\n", max_seconds);
    return 1;
  }
  qsort(all, (size_t)total, sizeof(double), compare_doubles);

  printf("calls=%ld seconds=%.3f calls_per_second=%.1f median_us=%.1f min_us=%.1f p90_us=%.1f "
         "max_us=%.1f rss_before_kib=%ld rss_after_kib=%ld rss_trace_kib=",
         total, elapsed, (double)total / elapsed, all[total / 2] * 1e6, all[0] * 1e6,
         all[(total * 9) / 10] * 1e6, all[total - 1] * 1e6, resident_before, resident_after);
  for (int index = 0; index < rss_trace_length; index++) {
    printf(index == 0 ? "%ld" : ",%ld", rss_trace_kib[index]);
  }
  printf("\n");
  for (int file = 0; file < files; file++) {
    chorus_client_free(clients[file]);
  }
  free(all);
  free(input);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "cold") == 0) {
    return cold(argv[2], argv[3]);
  }
  if (argc == 9 && strcmp(argv[1], "run") == 0) {
    return run(argv);
  }
  fprintf(stderr, "usage: load cold CONFIG INVOICE\n"
                  "       load run CONFIG[,CONFIG2] submit|status INPUT THREADS MAX_CALLS "
                  "MAX_SECONDS WARMUP_CALLS\n");
  return 2;
}
