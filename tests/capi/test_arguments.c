/* Bad arguments get status codes and messages, never a crash, and 10,000
 * failing calls leave nothing behind once each error is freed. No request
 * reaches a server: every call fails its argument checks first. */
#include "emulator.h"
#include "support.h"

#include "gioexport.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The client points at a closed port; none of these calls gets that far. */
#define UNUSED_BASE_URL "http://127.0.0.1:9"

static const char* const bad_date_message =
    "invalid export date \"20261304\": no such date or time: expected Beijing time as "
    "yyyyMMddHHmm (12 digits), yyyyMMddHH or yyyyMMdd";

/* Checks that an error object carries `code` and a message containing
 * `fragment`, then frees it. */
static void check_error(gioexport_error* error, gioexport_status code, const char* fragment,
                        int line)
{
    if (!test_check(error != NULL, "error != NULL", __FILE__, line))
        return;
    test_check_status(gioexport_error_code(error), code, "gioexport_error_code(error)", __FILE__,
                      line);
    const char* message = gioexport_error_message(error);
    if (!test_check(strstr(message, fragment) != NULL, "message contains the fragment", __FILE__,
                    line))
        fprintf(stderr, "  message: %s\n  expected to contain: %s\n", message, fragment);
    gioexport_error_free(error);
}

#define CHECK_ERROR(error, code, fragment) check_error((error), (code), (fragment), __LINE__)

static void check_runtime_arguments(void)
{
    gioexport_error* error = NULL;
    gioexport_runtime* runtime = NULL;

    CHECK_STATUS(gioexport_runtime_new(NULL, NULL, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "out_runtime");

    gioexport_runtime_options options;
    gioexport_runtime_options_init(&options, sizeof options);
    options.thread_count = 1000;
    CHECK_STATUS(gioexport_runtime_new(&options, &runtime, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(runtime == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "thread_count 1000");

    gioexport_runtime_options_init(&options, sizeof options);
    options.struct_size = 3;
    CHECK_STATUS(gioexport_runtime_new(&options, &runtime, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "struct_size 3");

    /* Without out_error only the code comes back. */
    CHECK_STATUS(gioexport_runtime_new(NULL, NULL, NULL), GIOEXPORT_E_INVALID_ARGUMENT);

    gioexport_runtime_free(NULL);
    gioexport_runtime_options_init(NULL, sizeof options);
}

/* Byte written over every option buffer before an _init call, so the test
 * can tell which bytes the call wrote. */
#define GUARD_BYTE 0xA5
#define GUARD_SIZE 32

/* Returns 1 when bytes[begin] to bytes[end - 1] all equal GUARD_BYTE. */
static int guard_intact(const unsigned char* bytes, size_t begin, size_t end)
{
    for (size_t i = begin; i < end; ++i)
        if (bytes[i] != GUARD_BYTE)
            return 0;
    return 1;
}

/* Calls init_call (an _init call on buffer.value with `size`) on a buffer
 * filled with GUARD_BYTE, where `buffer` is a union of the option struct
 * and a byte array GUARD_SIZE bytes longer. Checks that the call set
 * struct_size to `size` and left every byte from `size` on untouched. */
#define CHECK_INIT_STOPS_AT(buffer, size, init_call)                                      \
    do {                                                                                  \
        memset(&(buffer), GUARD_BYTE, sizeof(buffer));                                    \
        init_call;                                                                        \
        CHECK((buffer).value.struct_size == (size));                                      \
        CHECK(guard_intact((buffer).bytes, (size), sizeof(buffer).bytes));                \
    } while (0)

static void check_init_struct_sizes(void)
{
    union {
        gioexport_runtime_options value;
        unsigned char bytes[sizeof(gioexport_runtime_options) + GUARD_SIZE];
    } runtime;
    CHECK_INIT_STOPS_AT(runtime, sizeof(size_t),
                        gioexport_runtime_options_init(&runtime.value, sizeof(size_t)));
    CHECK_INIT_STOPS_AT(runtime, sizeof runtime.value,
                        gioexport_runtime_options_init(&runtime.value, sizeof runtime.value));
    CHECK(runtime.value.thread_count == 0);

    /* A size larger than the library's struct writes only the library's struct. */
    CHECK_INIT_STOPS_AT(runtime, sizeof runtime.value,
                        gioexport_runtime_options_init(&runtime.value, sizeof runtime.bytes));

    /* Client options as a header without the proxy fields declared them. */
    const size_t client_size = offsetof(gioexport_client_options, proxy_url);
    union {
        gioexport_client_options value;
        unsigned char bytes[sizeof(gioexport_client_options) + GUARD_SIZE];
    } client;
    CHECK_INIT_STOPS_AT(client, client_size,
                        gioexport_client_options_init(&client.value, client_size));
    CHECK(client.value.base_url == NULL);
    CHECK(client.value.tls_verify_peer == 1);
    CHECK(client.value.connect_timeout_ms == 30000);
    CHECK(client.value.retry_max_attempts == 5);
    CHECK(client.value.api_calls_per_second == 2.0);

    union {
        gioexport_download_options value;
        unsigned char bytes[sizeof(gioexport_download_options) + GUARD_SIZE];
    } download;
    const size_t download_size = offsetof(gioexport_download_options, buffer_size);
    CHECK_INIT_STOPS_AT(download, download_size,
                        gioexport_download_options_init(&download.value, download_size));
    CHECK(download.value.require_md5 == 0);

    union {
        gioexport_export_request value;
        unsigned char bytes[sizeof(gioexport_export_request) + GUARD_SIZE];
    } request;
    const size_t request_size = offsetof(gioexport_export_request, require_md5);
    CHECK_INIT_STOPS_AT(request, request_size,
                        gioexport_export_request_init(&request.value, request_size));
    CHECK(request.value.expiry_minutes == GIOEXPORT_DEFAULT_EXPIRY_MINUTES);
    CHECK(request.value.concurrency == 8);
    CHECK(request.value.poll_interval_seconds == 30);

    /* Files are synced unless the caller asks otherwise. */
    gioexport_download_options full_download;
    GIOEXPORT_DOWNLOAD_OPTIONS_INIT(&full_download);
    CHECK(full_download.no_fsync == 0);
    gioexport_export_request full_request;
    GIOEXPORT_EXPORT_REQUEST_INIT(&full_request);
    CHECK(full_request.no_fsync == 0);

    /* A size that cannot hold struct_size itself writes nothing. */
    const size_t too_small[] = {0, 1, sizeof(size_t) - 1};
    for (size_t i = 0; i < sizeof too_small / sizeof too_small[0]; ++i) {
        memset(&client, GUARD_BYTE, sizeof client);
        gioexport_client_options_init(&client.value, too_small[i]);
        CHECK(guard_intact(client.bytes, 0, sizeof client.bytes));

        memset(&request, GUARD_BYTE, sizeof request);
        gioexport_export_request_init(&request.value, too_small[i]);
        CHECK(guard_intact(request.bytes, 0, sizeof request.bytes));
    }
}

static void check_client_arguments(gioexport_runtime* runtime)
{
    gioexport_error* error = NULL;
    gioexport_client* client = NULL;
    gioexport_client_options options;
    gioexport_client_options_init(&options, sizeof options);

    CHECK_STATUS(gioexport_client_new(NULL, &options, &client, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "runtime");
    CHECK_STATUS(gioexport_client_new(runtime, NULL, &client, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "options");
    CHECK_STATUS(gioexport_client_new(runtime, &options, NULL, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "out_client");

    /* Credentials missing, then a project that would change the signed form. */
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(client == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "client_id");

    options.client_id = TEST_CLIENT_ID;
    options.project = "demo&Prj";
    options.ai = "a1b2c3d4e5f60718";
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "secret");

    options.secret = "demo-secret";
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "demo&Prj");

    options.project = "demoPrj1";
    options.base_url = "ftp://127.0.0.1/";
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error), GIOEXPORT_E_INVALID_URL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_URL, "ftp");

    options.base_url = NULL;
    options.retry_max_attempts = 0;
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "retry_max_attempts 0");
    options.retry_max_attempts = 5;
    options.api_calls_per_second = -1;
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "api_calls_per_second");
    options.api_calls_per_second = 2;
    options.proxy_url = "ftp://127.0.0.1:3128";
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "invalid proxy");

    gioexport_client_free(NULL);
    gioexport_client_options_init(NULL, sizeof options);
}

/* gioexport_client_options as a header older than this one declared it:
 * the same first fields, and none from tls_verify_peer on. */
typedef struct older_client_options {
    size_t struct_size;
    const char* base_url;
    const char* client_id;
    const char* secret;
    const char* project;
    const char* ai;
    const char* token;
} older_client_options;

static void check_older_client_options(gioexport_runtime* runtime)
{
    CHECK(sizeof(older_client_options) == offsetof(gioexport_client_options, tls_verify_peer));

    /* Every byte past the older struct is 0xFF: read as options, it would be
     * a NaN api_calls_per_second and a proxy_url pointing nowhere, which
     * gioexport_client_new would reject or crash on. */
    union {
        older_client_options older;
        gioexport_client_options current;
        unsigned char bytes[sizeof(gioexport_client_options)];
    } buffer;
    memset(&buffer, 0xFF, sizeof buffer);
    gioexport_client_options_init(&buffer.current, sizeof buffer.older);
    CHECK(buffer.older.struct_size == sizeof buffer.older);
    CHECK(buffer.older.base_url == NULL);
    CHECK(buffer.older.token == NULL);
    for (size_t i = sizeof buffer.older; i < sizeof buffer.bytes; ++i)
        CHECK(buffer.bytes[i] == 0xFF);

    buffer.older.base_url = UNUSED_BASE_URL;
    buffer.older.client_id = TEST_CLIENT_ID;
    buffer.older.secret = TEST_SECRET;
    buffer.older.project = TEST_PROJECT;
    buffer.older.ai = TEST_AI;
    gioexport_client* client = NULL;
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_client_new(runtime, &buffer.current, &client, &error), GIOEXPORT_OK);
    CHECK(client != NULL);
    CHECK(error == NULL);
    gioexport_client_free(client);

    /* A struct that ends before a required field lacks that field. */
    buffer.older.struct_size = offsetof(older_client_options, client_id);
    client = NULL;
    CHECK_STATUS(gioexport_client_new(runtime, &buffer.current, &client, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(client == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "client_id");
}

static gioexport_client* make_client(gioexport_runtime* runtime)
{
    gioexport_client_options options;
    gioexport_client_options_init(&options, sizeof options);
    options.base_url = UNUSED_BASE_URL;
    options.client_id = TEST_CLIENT_ID;
    options.secret = TEST_SECRET;
    options.project = TEST_PROJECT;
    options.ai = TEST_AI;
    options.proxy_from_environment = 0;
    gioexport_client* client = NULL;
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_client_new(runtime, &options, &client, &error), GIOEXPORT_OK);
    CHECK(error == NULL);
    gioexport_error_free(error);
    return client;
}

static void check_fetch_arguments(gioexport_client* client)
{
    gioexport_error* error = NULL;
    gioexport_links* links = NULL;

    CHECK_STATUS(gioexport_client_fetch_links(NULL, "hour", "2026120410", 5, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "client");
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", "2026120410", 5, NULL, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "result pointer");
    CHECK_STATUS(gioexport_client_fetch_links(client, NULL, "2026120410", 5, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "export_type");
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", NULL, 5, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "export_date");

    CHECK_STATUS(gioexport_client_fetch_links(client, "week", "2026120410", 5, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(links == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "invalid export type \"week\"");
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", "20261304", 5, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, bad_date_message);
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", "2026120410", 0, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "invalid link expiry 0 minutes");
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", "2026120410", 10081, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "10081");

    CHECK_STATUS(gioexport_client_fetch_type_links(client, "hour", "Page!", "2026120410", 5, &links,
                                                   &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "Page!");
    CHECK_STATUS(gioexport_client_fetch_type_links(client, "hour", NULL, "2026120410", 5, &links,
                                                   &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "data_type");

    char* token = NULL;
    CHECK_STATUS(gioexport_client_fetch_token(client, NULL, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "result pointer");
    CHECK_STATUS(gioexport_client_fetch_token(NULL, &token, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(token == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "client");
}

static void check_async_arguments(gioexport_client* client)
{
    gioexport_error* error = NULL;

    CHECK(gioexport_client_fetch_links_async(client, "hour", "20261304", 5, NULL, NULL, NULL,
                                             &error) == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, bad_date_message);
    CHECK(gioexport_client_fetch_type_links_async(client, "day", "page", "20261204", 0, NULL, NULL,
                                                  NULL, &error) == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "expiry 0");
    CHECK(gioexport_client_fetch_token_async(NULL, NULL, NULL, NULL, &error) == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "client");
    CHECK(gioexport_client_download_link_async(client, NULL, "/tmp/x", NULL, NULL, NULL, NULL, NULL,
                                               &error) == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "url");
    CHECK(gioexport_client_download_export_async(client, NULL, NULL, NULL, NULL, NULL, &error) ==
          NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "request");
    /* Without out_error the NULL return is the only report. */
    CHECK(gioexport_client_fetch_links_async(client, "hour", "20261304", 5, NULL, NULL, NULL,
                                             NULL) == NULL);
}

static void check_download_arguments(gioexport_client* client)
{
    gioexport_error* error = NULL;
    gioexport_download_result* result = NULL;

    CHECK_STATUS(gioexport_client_download_link(client, NULL, "/tmp/x", NULL, NULL, NULL, &result,
                                                &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "url");
    CHECK_STATUS(gioexport_client_download_link(client, "http://127.0.0.1:9/x", NULL, NULL, NULL,
                                                NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "path");

    gioexport_download_options options;
    gioexport_download_options_init(&options, sizeof options);
    options.struct_size = sizeof options + 8;
    CHECK_STATUS(gioexport_client_download_link(client, "http://127.0.0.1:9/x", "/tmp/x", &options,
                                                NULL, NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "gioexport_download_options.struct_size");
}

static void check_export_arguments(gioexport_client* client)
{
    gioexport_error* error = NULL;
    gioexport_export_result* result = NULL;
    gioexport_export_request request;

    CHECK_STATUS(gioexport_client_download_export(client, NULL, NULL, NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "request");

    gioexport_export_request_init(&request, sizeof request);
    CHECK(request.expiry_minutes == GIOEXPORT_DEFAULT_EXPIRY_MINUTES);
    CHECK(request.concurrency == 8);
    CHECK(request.poll_interval_seconds == 30);
    request.export_type = "hour";
    request.export_date = "2026120410";
    CHECK_STATUS(gioexport_client_download_export(client, &request, NULL, NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "out_dir");

    const char* types[] = {"page", NULL};
    request.out_dir = "/tmp/gioexport-capi-never-written";
    request.data_types = NULL;
    request.data_type_count = 2;
    CHECK_STATUS(gioexport_client_download_export(client, &request, NULL, NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "data_types");
    request.data_types = types;
    CHECK_STATUS(gioexport_client_download_export(client, &request, NULL, NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "data_types[1]");
    CHECK(result == NULL);

    request.data_type_count = 1;
    request.export_date = "20261304";
    CHECK_STATUS(gioexport_client_download_export(client, &request, NULL, NULL, &result, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "20261304");
}

static void check_null_handles(void)
{
    gioexport_error* error = NULL;

    CHECK_STATUS(gioexport_error_code(NULL), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_STRING(gioexport_error_message(NULL), "");
    CHECK_STRING(gioexport_error_server_message(NULL), "");
    CHECK(gioexport_error_http_status(NULL) == 0);
    CHECK(gioexport_error_is_retryable(NULL) == 0);
    gioexport_error_free(NULL);
    gioexport_string_free(NULL);

    CHECK(gioexport_links_status(NULL) == GIOEXPORT_EXPORT_UNKNOWN);
    CHECK(gioexport_links_status_text(NULL) == NULL);
    CHECK(gioexport_links_type_count(NULL) == 0);
    CHECK(gioexport_links_url(NULL, 0, 0) == NULL);
    gioexport_links_free(NULL);

    CHECK(gioexport_download_result_path(NULL) == NULL);
    CHECK(gioexport_download_result_bytes(NULL) == 0);
    gioexport_download_result_free(NULL);

    CHECK(gioexport_export_result_file_count(NULL) == 0);
    CHECK_STATUS(gioexport_export_result_file_status(NULL, 0), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(gioexport_export_result_listing(NULL) == NULL);
    gioexport_export_result_free(NULL);

    gioexport_operation_cancel(NULL);
    CHECK(gioexport_operation_is_done(NULL) == 0);
    CHECK_STATUS(gioexport_operation_wait(NULL, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "operation");
    gioexport_operation_free(NULL);
}

/* The scenario of a binding that reads and frees every message of many
 * failing calls: under valgrind this must show no leak and no bad free. */
static void check_many_failures(gioexport_client* client)
{
    int wrong = 0;
    for (int i = 0; i < 10000; ++i) {
        gioexport_links* links = NULL;
        gioexport_error* error = NULL;
        const gioexport_status status =
            gioexport_client_fetch_links(client, "hour", "20261304", 5, &links, &error);
        if (status != GIOEXPORT_E_INVALID_ARGUMENT || links != NULL || error == NULL ||
            strcmp(gioexport_error_message(error), bad_date_message) != 0)
            ++wrong;
        gioexport_error_free(error);
    }
    CHECK(wrong == 0);
}

static void check_freed_runtime(void)
{
    gioexport_runtime* runtime = NULL;
    CHECK_STATUS(gioexport_runtime_new(NULL, &runtime, NULL), GIOEXPORT_OK);
    gioexport_client* client = make_client(runtime);
    gioexport_runtime_free(runtime);

    gioexport_links* links = NULL;
    gioexport_error* error = NULL;
    CHECK_STATUS(gioexport_client_fetch_links(client, "hour", "2026120410", 5, &links, &error),
                 GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "runtime has been freed");
    CHECK(gioexport_client_fetch_token_async(client, NULL, NULL, NULL, &error) == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "runtime has been freed");
    gioexport_client_free(client);
}

int main(void)
{
    check_runtime_arguments();
    check_init_struct_sizes();
    check_null_handles();

    gioexport_runtime_options runtime_options;
    gioexport_runtime_options_init(&runtime_options, sizeof runtime_options);
    runtime_options.thread_count = 2;
    gioexport_runtime* runtime = NULL;
    if (!CHECK_STATUS(gioexport_runtime_new(&runtime_options, &runtime, NULL), GIOEXPORT_OK))
        return test_finish("capi_arguments");

    check_client_arguments(runtime);
    check_older_client_options(runtime);
    gioexport_client* client = make_client(runtime);
    if (client != NULL) {
        check_fetch_arguments(client);
        check_async_arguments(client);
        check_download_arguments(client);
        check_export_arguments(client);
        check_many_failures(client);
    }
    gioexport_client_free(client);
    gioexport_runtime_free(runtime);

    check_freed_runtime();
    return test_finish("capi_arguments");
}
