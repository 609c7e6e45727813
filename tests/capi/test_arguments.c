/* Bad arguments get status codes and messages, never a crash, and 10,000
 * failing calls leave nothing behind once each error is freed. No request
 * reaches a server: every call fails its argument checks first. */
#include "emulator.h"
#include "support.h"

#include "gioexport.h"

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
    gioexport_runtime_options_init(&options);
    options.thread_count = 1000;
    CHECK_STATUS(gioexport_runtime_new(&options, &runtime, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK(runtime == NULL);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "thread_count 1000");

    gioexport_runtime_options_init(&options);
    options.struct_size = 3;
    CHECK_STATUS(gioexport_runtime_new(&options, &runtime, &error), GIOEXPORT_E_INVALID_ARGUMENT);
    CHECK_ERROR(error, GIOEXPORT_E_INVALID_ARGUMENT, "struct_size 3");

    /* Without out_error only the code comes back. */
    CHECK_STATUS(gioexport_runtime_new(NULL, NULL, NULL), GIOEXPORT_E_INVALID_ARGUMENT);

    gioexport_runtime_free(NULL);
    gioexport_runtime_options_init(NULL);
}

static void check_client_arguments(gioexport_runtime* runtime)
{
    gioexport_error* error = NULL;
    gioexport_client* client = NULL;
    gioexport_client_options options;
    gioexport_client_options_init(&options);

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
    gioexport_client_options_init(NULL);
}

static gioexport_client* make_client(gioexport_runtime* runtime)
{
    gioexport_client_options options;
    gioexport_client_options_init(&options);
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
    gioexport_download_options_init(&options);
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

    gioexport_export_request_init(&request);
    CHECK(request.expiry_minutes == GIOEXPORT_DEFAULT_EXPIRY_MINUTES);
    CHECK(request.concurrency == 4);
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
    check_null_handles();

    gioexport_runtime_options runtime_options;
    gioexport_runtime_options_init(&runtime_options);
    runtime_options.thread_count = 2;
    gioexport_runtime* runtime = NULL;
    if (!CHECK_STATUS(gioexport_runtime_new(&runtime_options, &runtime, NULL), GIOEXPORT_OK))
        return test_finish("capi_arguments");

    check_client_arguments(runtime);
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
