/* Eight threads share one client: each lists, downloads and runs an _async
 * call several times at once with the others. Run under helgrind as well.
 *
 * Usage: test_threads EMULATOR_EXECUTABLE */
#define _POSIX_C_SOURCE 200809L

#include "emulator.h"
#include "support.h"

#include "gioexport.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 3

static const char* const data_types[] = {"visit", "page", "action", "action_tag", "custom_event",
                                         "pvar", "evar", "vstr"};

typedef struct worker {
    pthread_t thread;
    int index;
    gioexport_client* client;
    const char* hour;
    const char* folder;
    int failures; /* written by the worker, read after the join */
    char first_error[512];
} worker;

static void record_failure(worker* w, const char* step, gioexport_error* error)
{
    if (w->failures++ == 0)
        snprintf(w->first_error, sizeof w->first_error, "%s: %s", step,
                 error != NULL ? gioexport_error_message(error) : "(no error object)");
}

static void run_round(worker* w, int round)
{
    const char* data_type = data_types[w->index];
    gioexport_links* links = NULL;
    gioexport_error* error = NULL;

    if (gioexport_client_fetch_type_links(w->client, "hour", data_type, w->hour, 5, &links,
                                          &error) != GIOEXPORT_OK ||
        gioexport_links_url_count(links, 0) != 1) {
        record_failure(w, "listing", error);
        gioexport_error_free(error);
        gioexport_links_free(links);
        return;
    }

    char path[512];
    snprintf(path, sizeof path, "%s/thread-%d/round-%d.csv.gz", w->folder, w->index, round);
    gioexport_download_result* result = NULL;
    if (gioexport_client_download_link(w->client, gioexport_links_url(links, 0, 0), path, NULL, NULL,
                                       NULL, &result, &error) != GIOEXPORT_OK ||
        gioexport_download_result_verified(result) != 1) {
        record_failure(w, "download", error);
    }
    gioexport_error_free(error);
    error = NULL;
    gioexport_download_result_free(result);
    gioexport_links_free(links);

    gioexport_operation* operation =
        gioexport_client_fetch_token_async(w->client, NULL, NULL, NULL, &error);
    if (operation == NULL || gioexport_operation_wait(operation, &error) != GIOEXPORT_OK)
        record_failure(w, "token", error);
    gioexport_error_free(error);
    gioexport_operation_free(operation);
}

static void* run_worker(void* argument)
{
    worker* w = argument;
    for (int round = 0; round < ROUNDS; ++round)
        run_round(w, round);
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s EMULATOR_EXECUTABLE\n", argv[0]);
        return 2;
    }
    test_emulator emulator;
    if (test_emulator_start(&emulator, argv[1], NULL) != 0)
        return 1;
    char folder[256];
    if (test_make_temp_dir(folder, sizeof folder) != 0) {
        perror("temporary folder");
        test_emulator_stop(&emulator);
        return 1;
    }
    char hour[16];
    test_beijing_hour(hour, sizeof hour, 24);

    gioexport_runtime_options runtime_options;
    GIOEXPORT_RUNTIME_OPTIONS_INIT(&runtime_options);
    runtime_options.thread_count = 4;
    gioexport_runtime* runtime = NULL;
    CHECK_STATUS(gioexport_runtime_new(&runtime_options, &runtime, NULL), GIOEXPORT_OK);
    gioexport_client_options options;
    gioexport_client_options_init(&options, sizeof options);
    options.base_url = emulator.base_url;
    options.client_id = TEST_CLIENT_ID;
    options.secret = TEST_SECRET;
    options.project = TEST_PROJECT;
    options.ai = TEST_AI;
    /* The emulator is on loopback; a proxy from the environment must not
     * come between. */
    options.proxy_from_environment = 0;
    /* Well above the default of 2, so the shared budget is exercised by all
     * threads without making the test wait for tens of seconds. */
    options.api_calls_per_second = 50;
    gioexport_client* client = NULL;
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, NULL), GIOEXPORT_OK);

    worker workers[THREADS];
    int started = 0;
    for (int i = 0; client != NULL && i < THREADS; ++i) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].index = i;
        workers[i].client = client;
        workers[i].hour = hour;
        workers[i].folder = folder;
        if (!CHECK(pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) == 0))
            break;
        ++started;
    }
    for (int i = 0; i < started; ++i) {
        pthread_join(workers[i].thread, NULL);
        if (!CHECK(workers[i].failures == 0))
            fprintf(stderr, "  thread %d: %d failure(s), first: %s\n", i, workers[i].failures,
                    workers[i].first_error);
    }
    CHECK(started == THREADS);

    gioexport_client_free(client);
    gioexport_runtime_free(runtime);
    test_emulator_stop(&emulator);
    test_remove_tree(folder);
    return test_finish("capi_threads");
}
