/* Token and listing calls against the emulator, blocking and _async, with
 * the callback order, the release notification and the refusal of blocking
 * calls inside callbacks.
 *
 * Usage: test_fetch EMULATOR_EXECUTABLE */
#define _POSIX_C_SOURCE 200809L

#include "emulator.h"
#include "support.h"

#include "gioexport.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static gioexport_client* make_client(gioexport_runtime* runtime, const char* base_url,
                                     const char* secret)
{
    gioexport_client_options options;
    GIOEXPORT_CLIENT_OPTIONS_INIT(&options);
    options.base_url = base_url;
    options.client_id = TEST_CLIENT_ID;
    options.secret = secret;
    options.project = TEST_PROJECT;
    options.ai = TEST_AI;
    /* The emulator is on loopback; a proxy from the environment must not
     * come between. */
    options.proxy_from_environment = 0;
    options.api_calls_per_second = 20;
    gioexport_client* client = NULL;
    gioexport_error* error = NULL;
    if (!CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error), GIOEXPORT_OK))
        fprintf(stderr, "  %s\n", gioexport_error_message(error));
    gioexport_error_free(error);
    return client;
}

/* What the callbacks of one async listing saw. Guarded by `mutex`. */
typedef struct probe {
    pthread_mutex_t mutex;
    pthread_cond_t released_cv;
    int completions;
    int releases;
    int release_after_completion;
    gioexport_status status;
    gioexport_links* links;
    char error_message[512];
    int error_http_status;
    pthread_t main_thread;
    int callback_on_main_thread;
    gioexport_client* client;         /* for the calls made inside the callback */
    gioexport_status nested_blocking; /* a blocking call made inside the callback */
    char nested_message[512];
    gioexport_operation* nested_operation;
    int nested_releases;
} probe;

static void probe_init(probe* p, gioexport_client* client)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mutex, NULL);
    pthread_cond_init(&p->released_cv, NULL);
    p->main_thread = pthread_self();
    p->client = client;
    p->status = (gioexport_status)-1;
    p->nested_blocking = (gioexport_status)-1;
}

static void probe_destroy(probe* p)
{
    gioexport_links_free(p->links);
    pthread_cond_destroy(&p->released_cv);
    pthread_mutex_destroy(&p->mutex);
}

static void on_links(void* user_data, gioexport_status status, gioexport_links* links,
                     const gioexport_error* error)
{
    probe* p = user_data;
    pthread_mutex_lock(&p->mutex);
    ++p->completions;
    p->status = status;
    p->links = links;
    p->callback_on_main_thread = pthread_equal(pthread_self(), p->main_thread);
    if (error != NULL) {
        snprintf(p->error_message, sizeof p->error_message, "%s", gioexport_error_message(error));
        p->error_http_status = gioexport_error_http_status(error);
    }
    pthread_mutex_unlock(&p->mutex);
}

static void on_release(void* user_data)
{
    probe* p = user_data;
    pthread_mutex_lock(&p->mutex);
    ++p->releases;
    p->release_after_completion = p->completions == 1;
    pthread_cond_broadcast(&p->released_cv);
    pthread_mutex_unlock(&p->mutex);
}

static void on_nested_release(void* user_data)
{
    probe* p = user_data;
    pthread_mutex_lock(&p->mutex);
    ++p->nested_releases;
    pthread_cond_broadcast(&p->released_cv);
    pthread_mutex_unlock(&p->mutex);
}

/* A completion callback that tries a blocking call, which must be refused,
 * and starts an _async call, which must work. */
static void on_links_calling_back(void* user_data, gioexport_status status, gioexport_links* links,
                                  const gioexport_error* error)
{
    probe* p = user_data;
    gioexport_links* nested = NULL;
    gioexport_error* nested_error = NULL;
    const gioexport_status nested_status = gioexport_client_fetch_links(
        p->client, "hour", "2026120410", 5, &nested, &nested_error);
    gioexport_operation* started = gioexport_client_fetch_token_async(
        p->client, NULL, on_nested_release, p, NULL);

    pthread_mutex_lock(&p->mutex);
    p->nested_blocking = nested_status;
    snprintf(p->nested_message, sizeof p->nested_message, "%s",
             gioexport_error_message(nested_error));
    p->nested_operation = started;
    pthread_mutex_unlock(&p->mutex);
    gioexport_error_free(nested_error);
    gioexport_links_free(nested);
    on_links(user_data, status, links, error);
}

static void wait_for_release(probe* p)
{
    pthread_mutex_lock(&p->mutex);
    while (p->releases == 0)
        pthread_cond_wait(&p->released_cv, &p->mutex);
    pthread_mutex_unlock(&p->mutex);
}

static void check_token(gioexport_client* client)
{
    char* token = NULL;
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_client_fetch_token(client, &token, &error), GIOEXPORT_OK);
    CHECK(error == NULL);
    if (CHECK(token != NULL))
        CHECK(strlen(token) == 64);
    gioexport_string_free(token);
}

static void check_blocking_links(gioexport_client* client, const char* hour)
{
    gioexport_links* links = NULL;
    gioexport_error* error = NULL;

    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", hour, 5, &links, &error),
                 GIOEXPORT_OK);
    if (error != NULL)
        fprintf(stderr, "  %s\n", gioexport_error_message(error));
    gioexport_error_free(error);
    if (!CHECK(links != NULL))
        return;
    CHECK(gioexport_links_status(links) == GIOEXPORT_EXPORT_FINISHED);
    CHECK_STRING(gioexport_links_status_text(links), "FINISHED");
    CHECK_STRING(gioexport_links_export_type(links), "hour");
    CHECK_STRING(gioexport_links_export_date(links), hour);
    CHECK_STRING(gioexport_links_data_type(links), "");
    CHECK(gioexport_links_type_count(links) == 10);
    CHECK(gioexport_links_total_count(links) == 10);
    CHECK_STRING(gioexport_links_type_name(links, 0), "visit");
    CHECK(gioexport_links_url_count(links, 0) == 1);
    const char* url = gioexport_links_url(links, 0, 0);
    if (CHECK(url != NULL))
        CHECK(strncmp(url, "http://127.0.0.1:", 17) == 0);
    CHECK(gioexport_links_type_name(links, 10) == NULL);
    CHECK(gioexport_links_url(links, 0, 1) == NULL);
    gioexport_links_free(links);

    /* The one-type endpoint. */
    CHECK_STATUS(gioexport_client_fetch_type_links(client, "hour", "page", hour, 60, &links, NULL),
                 GIOEXPORT_OK);
    if (CHECK(links != NULL)) {
        CHECK_STRING(gioexport_links_data_type(links), "page");
        CHECK(gioexport_links_type_count(links) == 1);
        CHECK_STRING(gioexport_links_type_name(links, 0), "page");
        CHECK(gioexport_links_url_count(links, 0) == 1);
    }
    gioexport_links_free(links);

    /* A listing that is not FINISHED is a result, not an error: 20 days
     * back is past the retention. */
    char old_hour[16];
    test_beijing_hour(old_hour, sizeof old_hour, 20 * 24);
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", old_hour, 5, &links, NULL),
                 GIOEXPORT_OK);
    CHECK(gioexport_links_status(links) == GIOEXPORT_EXPORT_NOT_EXISTS);
    CHECK(gioexport_links_total_count(links) == 0);
    gioexport_links_free(links);
}

static void check_async_links(gioexport_client* client, const char* hour)
{
    probe p;
    probe_init(&p, client);
    gioexport_error* error = NULL;
    gioexport_operation* operation = gioexport_client_fetch_type_links_async(
        client, "hour", "visit", hour, 5, on_links, on_release, &p, &error);
    CHECK(operation != NULL);
    CHECK(error == NULL);

    CHECK_STATUS(gioexport_operation_wait(operation, &error), GIOEXPORT_OK);
    CHECK(error == NULL);
    CHECK(gioexport_operation_is_done(operation) == 1);
    /* wait() returns only after the release callback. */
    pthread_mutex_lock(&p.mutex);
    CHECK(p.completions == 1);
    CHECK(p.releases == 1);
    CHECK(p.release_after_completion);
    CHECK(!p.callback_on_main_thread);
    CHECK_STATUS(p.status, GIOEXPORT_OK);
    CHECK(p.links != NULL);
    CHECK(gioexport_links_url_count(p.links, 0) == 1);
    pthread_mutex_unlock(&p.mutex);
    /* Waiting again returns the same status. */
    CHECK_STATUS(gioexport_operation_wait(operation, NULL), GIOEXPORT_OK);
    gioexport_operation_cancel(operation); /* after the end: no effect */
    gioexport_operation_free(operation);
    probe_destroy(&p);
}

static void check_async_failure(gioexport_runtime* runtime, const char* base_url, const char* hour)
{
    gioexport_client* client = make_client(runtime, base_url, "wrong-secret");
    probe p;
    probe_init(&p, client);
    gioexport_operation* operation =
        gioexport_client_fetch_links_async(client, "hour", hour, 5, on_links, on_release, &p, NULL);
    /* The handle can go at once; the callbacks still come. */
    gioexport_operation_free(operation);
    gioexport_client_free(client);
    wait_for_release(&p);

    pthread_mutex_lock(&p.mutex);
    CHECK_STATUS(p.status, GIOEXPORT_E_AUTH_FAILED);
    CHECK(p.links == NULL);
    CHECK(p.error_http_status == 401);
    CHECK(strstr(p.error_message, "signature mismatch") != NULL);
    pthread_mutex_unlock(&p.mutex);
    probe_destroy(&p);

    /* wait() hands out a copy of the error. */
    client = make_client(runtime, base_url, "wrong-secret");
    operation = gioexport_client_fetch_token_async(client, NULL, NULL, NULL, NULL);
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_operation_wait(operation, &error), GIOEXPORT_E_AUTH_FAILED);
    CHECK_STATUS(gioexport_error_code(error), GIOEXPORT_E_AUTH_FAILED);
    CHECK(gioexport_error_http_status(error) == 401);
    CHECK(strncmp(gioexport_error_server_message(error), "signature mismatch", 18) == 0);
    CHECK(gioexport_error_is_retryable(error) == 0);
    gioexport_error_free(error);
    gioexport_operation_free(operation);
    gioexport_client_free(client);
}

static void check_calls_inside_callbacks(gioexport_client* client, const char* hour)
{
    probe p;
    probe_init(&p, client);
    gioexport_operation* operation = gioexport_client_fetch_links_async(
        client, "hour", hour, 5, on_links_calling_back, on_release, &p, NULL);
    CHECK_STATUS(gioexport_operation_wait(operation, NULL), GIOEXPORT_OK);
    gioexport_operation_free(operation);

    pthread_mutex_lock(&p.mutex);
    CHECK_STATUS(p.nested_blocking, GIOEXPORT_E_WOULD_DEADLOCK);
    CHECK(strstr(p.nested_message, "gioexport_client_fetch_links") != NULL);
    CHECK(p.nested_operation != NULL);
    while (p.nested_releases == 0)
        pthread_cond_wait(&p.released_cv, &p.mutex);
    pthread_mutex_unlock(&p.mutex);
    CHECK_STATUS(gioexport_operation_wait(p.nested_operation, NULL), GIOEXPORT_OK);
    gioexport_operation_free(p.nested_operation);
    probe_destroy(&p);
}

/* A completion callback that frees its own client and runtime, which makes
 * gioexport_runtime_free() hand the shutdown to a helper thread. */
typedef struct own_runtime {
    probe p;
    gioexport_runtime* runtime;
} own_runtime;

static void on_links_freeing_runtime(void* user_data, gioexport_status status,
                                     gioexport_links* links, const gioexport_error* error)
{
    own_runtime* owner = user_data;
    gioexport_client_free(owner->p.client);
    gioexport_runtime_free(owner->runtime);
    on_links(&owner->p, status, links, error);
}

static void on_release_own_runtime(void* user_data)
{
    own_runtime* owner = user_data;
    on_release(&owner->p);
}

static void check_runtime_freed_in_callback(const char* base_url, const char* hour)
{
    own_runtime owner;
    CHECK_STATUS(gioexport_runtime_new(NULL, &owner.runtime, NULL), GIOEXPORT_OK);
    probe_init(&owner.p, make_client(owner.runtime, base_url, TEST_SECRET));
    gioexport_operation* operation = gioexport_client_fetch_links_async(
        owner.p.client, "hour", hour, 5, on_links_freeing_runtime, on_release_own_runtime, &owner,
        NULL);
    CHECK(operation != NULL);
    gioexport_operation_free(operation);
    wait_for_release(&owner.p);
    CHECK_STATUS(owner.p.status, GIOEXPORT_OK);
    probe_destroy(&owner.p);
    /* The helper thread joins the I/O threads once they run out of work.
     * The pause lets it finish before valgrind's leak check at exit. */
    const struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
}

/* An operation started without callbacks: its result is freed by the
 * library, which valgrind checks. */
static void check_async_without_callbacks(gioexport_client* client, const char* hour)
{
    gioexport_operation* operation =
        gioexport_client_fetch_links_async(client, "hour", hour, 5, NULL, NULL, NULL, NULL);
    CHECK_STATUS(gioexport_operation_wait(operation, NULL), GIOEXPORT_OK);
    gioexport_operation_free(operation);
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

    char hour[16];
    test_beijing_hour(hour, sizeof hour, 24);

    gioexport_runtime_options runtime_options;
    gioexport_runtime_options_init(&runtime_options, sizeof runtime_options);
    runtime_options.thread_count = 2;
    gioexport_runtime* runtime = NULL;
    CHECK_STATUS(gioexport_runtime_new(&runtime_options, &runtime, NULL), GIOEXPORT_OK);
    gioexport_client* client = make_client(runtime, emulator.base_url, TEST_SECRET);

    if (client != NULL) {
        check_token(client);
        check_blocking_links(client, hour);
        check_async_links(client, hour);
        check_async_failure(runtime, emulator.base_url, hour);
        check_calls_inside_callbacks(client, hour);
        check_async_without_callbacks(client, hour);
        check_runtime_freed_in_callback(emulator.base_url, hour);
    }

    gioexport_client_free(client);
    gioexport_runtime_free(runtime);
    test_emulator_stop(&emulator);
    return test_finish("capi_fetch");
}
