/* Downloads against the emulator: one link blocking and _async, a cancel in
 * the middle of a transfer (by gioexport_operation_cancel() and by the
 * progress callback's return value), and whole exports of two data types.
 *
 * Usage: test_download EMULATOR_EXECUTABLE */
#define _POSIX_C_SOURCE 200809L

#include "emulator.h"
#include "support.h"

#include "gioexport.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Each chunk is at least this large, so a transfer takes several reads. */
#define CHUNK_BYTES "1048576"

/* Holds a transfer after its first 64 KiB for 10 s, long enough to cancel
 * it in the middle and short enough not to delay the emulator's exit. */
#define STALL_FAULT \
    "{\"faults\":[{\"kind\":\"stall\",\"target\":\"objects\",\"after_bytes\":65536,\"stall_ms\":10000}]}"

/* What the callbacks of one download saw. Guarded by `mutex`, except that
 * `in_progress` detects overlapping progress calls through trylock. */
typedef struct recorder {
    pthread_mutex_t mutex;
    pthread_mutex_t in_progress;
    pthread_cond_t changed;
    int progress_calls;
    int overlapping_calls;
    int cancel_at_call; /* return nonzero from this progress call; 0: never */
    char progress_path[512];
    unsigned long long bytes_done;
    unsigned long long bytes_total;
    size_t files_total;
    size_t files_done;
    int completions;
    int releases;
    gioexport_status status;
    char error_message[512];
    gioexport_download_result* download;
    gioexport_export_result* export_result;
} recorder;

static void recorder_init(recorder* r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mutex, NULL);
    pthread_mutex_init(&r->in_progress, NULL);
    pthread_cond_init(&r->changed, NULL);
    r->status = (gioexport_status)-1;
}

static void recorder_destroy(recorder* r)
{
    gioexport_download_result_free(r->download);
    gioexport_export_result_free(r->export_result);
    pthread_cond_destroy(&r->changed);
    pthread_mutex_destroy(&r->in_progress);
    pthread_mutex_destroy(&r->mutex);
}

static int on_progress(void* user_data, const gioexport_progress* progress)
{
    recorder* r = user_data;
    const int alone = pthread_mutex_trylock(&r->in_progress) == 0;
    pthread_mutex_lock(&r->mutex);
    if (!alone)
        ++r->overlapping_calls;
    ++r->progress_calls;
    if (progress->path != NULL)
        snprintf(r->progress_path, sizeof r->progress_path, "%s", progress->path);
    r->bytes_done = progress->bytes_done;
    r->bytes_total = progress->bytes_total;
    r->files_total = progress->files_total;
    r->files_done = progress->files_done;
    const int cancel = r->progress_calls == r->cancel_at_call;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->mutex);
    if (alone)
        pthread_mutex_unlock(&r->in_progress);
    return cancel;
}

static void record_completion(recorder* r, gioexport_status status, const gioexport_error* error)
{
    ++r->completions;
    r->status = status;
    if (error != NULL)
        snprintf(r->error_message, sizeof r->error_message, "%s", gioexport_error_message(error));
    pthread_cond_broadcast(&r->changed);
}

static void on_download(void* user_data, gioexport_status status, gioexport_download_result* result,
                        const gioexport_error* error)
{
    recorder* r = user_data;
    pthread_mutex_lock(&r->mutex);
    r->download = result;
    record_completion(r, status, error);
    pthread_mutex_unlock(&r->mutex);
}

static void on_export(void* user_data, gioexport_status status, gioexport_export_result* result,
                      const gioexport_error* error)
{
    recorder* r = user_data;
    pthread_mutex_lock(&r->mutex);
    r->export_result = result;
    record_completion(r, status, error);
    pthread_mutex_unlock(&r->mutex);
}

static void on_release(void* user_data)
{
    recorder* r = user_data;
    pthread_mutex_lock(&r->mutex);
    ++r->releases;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->mutex);
}

/* Waits up to `seconds` for the first progress call; returns 1 if it came. */
static int wait_for_progress(recorder* r, int seconds)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += seconds;
    pthread_mutex_lock(&r->mutex);
    while (r->progress_calls == 0 &&
           pthread_cond_timedwait(&r->changed, &r->mutex, &deadline) == 0) {
    }
    const int came = r->progress_calls > 0;
    pthread_mutex_unlock(&r->mutex);
    return came;
}

/* Copies the first link of `data_type` for `hour` into `url`. */
static int first_link(gioexport_client* client, const char* data_type, const char* hour, char* url,
                      size_t size)
{
    gioexport_links* links = NULL;
    gioexport_error* error = NULL;
    int found = 0;
    if (CHECK_STATUS(gioexport_client_fetch_type_links(client, "hour", data_type, hour, 30, &links,
                                                       &error),
                     GIOEXPORT_OK) &&
        CHECK(gioexport_links_url_count(links, 0) >= 1)) {
        snprintf(url, size, "%s", gioexport_links_url(links, 0, 0));
        found = 1;
    }
    if (error != NULL)
        fprintf(stderr, "  %s\n", gioexport_error_message(error));
    gioexport_error_free(error);
    gioexport_links_free(links);
    return found;
}

static void check_download_result(const gioexport_download_result* result, const char* path)
{
    unsigned long long size = 0;
    CHECK_STRING(gioexport_download_result_path(result), path);
    CHECK(test_file_exists(path, &size));
    CHECK(gioexport_download_result_bytes(result) == size);
    CHECK(size >= 1048576);
    CHECK(strlen(gioexport_download_result_md5(result)) == 32);
    CHECK(gioexport_download_result_verified(result) == 1);
}

static void check_blocking_download(gioexport_client* client, const char* url, const char* folder)
{
    char path[512];
    snprintf(path, sizeof path, "%s/blocking/page.csv.gz", folder);
    recorder r;
    recorder_init(&r);
    gioexport_download_options options;
    GIOEXPORT_DOWNLOAD_OPTIONS_INIT(&options);
    options.require_md5 = 1;
    gioexport_download_result* result = NULL;
    gioexport_error* error = NULL;

    CHECK_STATUS(gioexport_client_download_link(client, url, path, &options, on_progress, &r, &result,
                                                &error),
                 GIOEXPORT_OK);
    if (error != NULL)
        fprintf(stderr, "  %s\n", gioexport_error_message(error));
    gioexport_error_free(error);
    if (CHECK(result != NULL)) {
        check_download_result(result, path);
        CHECK(r.progress_calls >= 2);
        CHECK(r.overlapping_calls == 0);
        CHECK_STRING(r.progress_path, path);
        CHECK(r.bytes_done == gioexport_download_result_bytes(result));
        CHECK(r.bytes_total == gioexport_download_result_bytes(result));
    }
    gioexport_download_result_free(result);
    recorder_destroy(&r);
}

static void check_async_download(gioexport_client* client, const char* url, const char* folder)
{
    char path[512];
    snprintf(path, sizeof path, "%s/async/visit.csv.gz", folder);
    recorder r;
    recorder_init(&r);
    gioexport_operation* operation = gioexport_client_download_link_async(
        client, url, path, NULL, on_progress, on_download, on_release, &r, NULL);
    CHECK(operation != NULL);
    CHECK_STATUS(gioexport_operation_wait(operation, NULL), GIOEXPORT_OK);
    gioexport_operation_free(operation);

    CHECK(r.completions == 1);
    CHECK(r.releases == 1);
    CHECK_STATUS(r.status, GIOEXPORT_OK);
    CHECK(r.progress_calls >= 2);
    CHECK(r.overlapping_calls == 0);
    if (CHECK(r.download != NULL))
        check_download_result(r.download, path);
    recorder_destroy(&r);
}

/* Cancels from the caller's thread once the first bytes have arrived; the
 * stall fault keeps the transfer in the middle until then. */
static void check_cancel(gioexport_client* client, const test_emulator* emulator, const char* url,
                         const char* folder)
{
    char path[512];
    char part_path[520];
    snprintf(path, sizeof path, "%s/cancelled/page.csv.gz", folder);
    snprintf(part_path, sizeof part_path, "%s.part", path);
    CHECK(test_emulator_post(emulator, "/_control/faults", STALL_FAULT) == 200);

    recorder r;
    recorder_init(&r);
    gioexport_operation* operation = gioexport_client_download_link_async(
        client, url, path, NULL, on_progress, on_download, on_release, &r, NULL);
    CHECK(wait_for_progress(&r, 20));
    const double cancelled_at = test_now_seconds();
    gioexport_operation_cancel(operation);
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_operation_wait(operation, &error), GIOEXPORT_E_CANCELLED);
    const double took = test_now_seconds() - cancelled_at;
    gioexport_error_free(error);
    gioexport_operation_free(operation);

    if (!CHECK(took < 5.0))
        fprintf(stderr, "  the cancel took %.2f s\n", took);
    CHECK_STATUS(r.status, GIOEXPORT_E_CANCELLED);
    CHECK(r.download == NULL);
    CHECK(r.error_message[0] != '\0');
    CHECK(r.releases == 1);
    CHECK(r.bytes_done < 1048576);
    CHECK(!test_file_exists(path, NULL));
    CHECK(test_file_exists(part_path, NULL));
    recorder_destroy(&r);
}

/* Cancels by returning nonzero from the first progress call, as a binding's
 * trampoline does when the binding's closure fails; the callback is not
 * called again. */
static void check_cancel_from_progress(gioexport_client* client, const test_emulator* emulator,
                                       const char* url, const char* folder)
{
    char path[512];
    snprintf(path, sizeof path, "%s/stopped/page.csv.gz", folder);
    CHECK(test_emulator_post(emulator, "/_control/faults", STALL_FAULT) == 200);

    recorder r;
    recorder_init(&r);
    r.cancel_at_call = 1;
    gioexport_download_result* result = NULL;
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_client_download_link(client, url, path, NULL, on_progress, &r, &result,
                                                &error),
                 GIOEXPORT_E_CANCELLED);
    CHECK(result == NULL);
    CHECK_STATUS(gioexport_error_code(error), GIOEXPORT_E_CANCELLED);
    gioexport_error_free(error);
    CHECK(r.progress_calls == 1);
    CHECK(!test_file_exists(path, NULL));
    recorder_destroy(&r);
}

static void check_export_result(const gioexport_export_result* result, const char* folder,
                                const char* hour)
{
    char expected_dir[512];
    snprintf(expected_dir, sizeof expected_dir, "%s/%s/hour/%s", folder, TEST_AI, hour);
    CHECK_STRING(gioexport_export_result_export_dir(result), expected_dir);
    CHECK(test_file_exists(gioexport_export_result_manifest_path(result), NULL));
    CHECK(gioexport_export_result_file_count(result) == 2);
    CHECK(gioexport_export_result_failed_count(result) == 0);
    CHECK_STRING(gioexport_export_result_file_data_type(result, 0), "page");
    CHECK_STRING(gioexport_export_result_file_data_type(result, 1), "visit");
    CHECK_STRING(gioexport_export_result_file_path(result, 0), "page/part-00000.csv.gz");
    for (size_t i = 0; i < gioexport_export_result_file_count(result); ++i) {
        char path[1024];
        unsigned long long size = 0;
        snprintf(path, sizeof path, "%s/%s", expected_dir,
                 gioexport_export_result_file_path(result, i));
        CHECK_STATUS(gioexport_export_result_file_status(result, i), GIOEXPORT_OK);
        CHECK_STRING(gioexport_export_result_file_error_message(result, i), "");
        CHECK(gioexport_export_result_file_position(result, i) == 0);
        CHECK(test_file_exists(path, &size));
        CHECK(gioexport_export_result_file_bytes(result, i) == size);
        CHECK(strlen(gioexport_export_result_file_md5(result, i)) == 32);
        CHECK(gioexport_export_result_file_verified(result, i) == 1);
    }
    CHECK(gioexport_export_result_file_path(result, 2) == NULL);

    const gioexport_links* listing = gioexport_export_result_listing(result);
    CHECK(gioexport_links_status(listing) == GIOEXPORT_EXPORT_FINISHED);
    CHECK(gioexport_links_type_count(listing) == 2);
}

/* Counts the verified records in an export folder's journal, and those of
 * them marked unsynced (a run with no_fsync). Returns 0 when the journal
 * cannot be read. */
static int count_journal_records(const char* export_dir, int* verified, int* unsynced)
{
    char path[600];
    snprintf(path, sizeof path, "%s/.gioexport-journal", export_dir);
    FILE* journal = fopen(path, "r");
    if (journal == NULL)
        return 0;
    *verified = *unsynced = 0;
    char line[512];
    while (fgets(line, sizeof line, journal) != NULL) {
        if (strncmp(line, "verified ", 9) != 0)
            continue;
        ++*verified;
        const size_t length = strlen(line);
        if (length >= 10 && strcmp(line + length - 10, " unsynced\n") == 0)
            ++*unsynced;
    }
    fclose(journal);
    return 1;
}

/* The task of the README: one hour's export of two data types. */
static void check_blocking_export(gioexport_client* client, const char* hour, const char* folder)
{
    char out_dir[512];
    snprintf(out_dir, sizeof out_dir, "%s/export-blocking", folder);
    const char* types[] = {"page", "visit"};
    gioexport_export_request request;
    GIOEXPORT_EXPORT_REQUEST_INIT(&request);
    request.export_type = "hour";
    request.export_date = hour;
    request.data_types = types;
    request.data_type_count = 2;
    request.out_dir = out_dir;
    request.concurrency = 2;
    request.require_md5 = 1;

    recorder r;
    recorder_init(&r);
    gioexport_export_result* result = NULL;
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_client_download_export(client, &request, on_progress, &r, &result, &error),
                 GIOEXPORT_OK);
    if (error != NULL)
        fprintf(stderr, "  %s\n", gioexport_error_message(error));
    gioexport_error_free(error);
    if (CHECK(result != NULL)) {
        check_export_result(result, out_dir, hour);
        int verified = 0, unsynced = 0;
        CHECK(count_journal_records(gioexport_export_result_export_dir(result), &verified, &unsynced));
        CHECK(verified == 2);
        CHECK(unsynced == 0);
    }
    CHECK(r.progress_calls >= 2);
    CHECK(r.overlapping_calls == 0);
    CHECK(r.files_total == 2);
    CHECK(r.files_done == 2);
    CHECK(r.bytes_done >= 2 * 1048576ULL);
    gioexport_export_result_free(result);
    recorder_destroy(&r);
}

static void check_async_export(gioexport_client* client, const char* hour, const char* folder)
{
    char out_dir[512];
    snprintf(out_dir, sizeof out_dir, "%s/export-async", folder);
    const char* types[] = {"page", "visit"};
    gioexport_export_request request;
    GIOEXPORT_EXPORT_REQUEST_INIT(&request);
    request.export_type = "hour";
    request.export_date = hour;
    request.data_types = types;
    request.data_type_count = 2;
    request.out_dir = out_dir;
    request.no_fsync = 1;  /* the journal then marks both files unsynced */

    recorder r;
    recorder_init(&r);
    gioexport_operation* operation = gioexport_client_download_export_async(
        client, &request, on_progress, on_export, on_release, &r, NULL);
    CHECK(operation != NULL);
    CHECK_STATUS(gioexport_operation_wait(operation, NULL), GIOEXPORT_OK);
    gioexport_operation_free(operation);
    CHECK(r.completions == 1);
    CHECK(r.releases == 1);
    CHECK(r.overlapping_calls == 0);
    if (CHECK(r.export_result != NULL)) {
        check_export_result(r.export_result, out_dir, hour);
        int verified = 0, unsynced = 0;
        CHECK(count_journal_records(gioexport_export_result_export_dir(r.export_result), &verified, &unsynced));
        CHECK(verified == 2);
        CHECK(unsynced == 2);
    }
    recorder_destroy(&r);
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s EMULATOR_EXECUTABLE\n", argv[0]);
        return 2;
    }
    const char* emulator_args[] = {"--chunk-bytes", CHUNK_BYTES, NULL};
    test_emulator emulator;
    if (test_emulator_start(&emulator, argv[1], emulator_args) != 0)
        return 1;
    char folder[256];
    if (test_make_temp_dir(folder, sizeof folder) != 0) {
        perror("temporary folder");
        test_emulator_stop(&emulator);
        return 1;
    }

    char hour[16];
    test_beijing_hour(hour, sizeof hour, 24);
    gioexport_runtime* runtime = NULL;
    CHECK_STATUS(gioexport_runtime_new(NULL, &runtime, NULL), GIOEXPORT_OK);
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
    options.api_calls_per_second = 20;
    gioexport_client* client = NULL;
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, NULL), GIOEXPORT_OK);

    char page_url[2048];
    char visit_url[2048];
    if (client != NULL && first_link(client, "page", hour, page_url, sizeof page_url) &&
        first_link(client, "visit", hour, visit_url, sizeof visit_url)) {
        check_blocking_download(client, page_url, folder);
        check_async_download(client, visit_url, folder);
        check_cancel(client, &emulator, page_url, folder);
        check_cancel_from_progress(client, &emulator, page_url, folder);
        check_blocking_export(client, hour, folder);
        check_async_export(client, hour, folder);
    }

    gioexport_client_free(client);
    gioexport_runtime_free(runtime);
    test_emulator_stop(&emulator);
    test_remove_tree(folder);
    return test_finish("capi_download");
}
