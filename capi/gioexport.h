/*
 * gioexport.h: the stable C interface of libgioexport, a client of
 * GrowingIO's raw-data export API v2.
 *
 * The header is C99 and also compiles as C++. Every exported name starts
 * with gioexport_ or GIOEXPORT_. Symbols are versioned (GIOEXPORT_1.0) and
 * the soname is libgioexport.so.1. Within soname 1, functions and values of
 * gioexport_status are only added, never changed or removed, and option
 * structs only grow at their end.
 *
 * Conventions that hold for every function below unless its comment states
 * otherwise:
 *
 * Errors. A function that can fail returns gioexport_status and takes a
 * last parameter `gioexport_error** out_error`. On success it returns
 * GIOEXPORT_OK and sets *out_error to NULL. On failure it returns the code and
 * sets *out_error to a new error object, which the caller frees with
 * gioexport_error_free(). An _async function returns NULL instead of a code.
 * out_error may be NULL when the caller only wants the code. No function
 * keeps a per-thread "last error", and no C++ exception leaves the library.
 *
 * Handles. Every handle type is an incomplete struct; only the library
 * creates and frees them. A handle returned through an `out_` parameter is
 * owned by the caller and freed with the _free function of its type. Every
 * _free function accepts NULL and does nothing then.
 *
 * Strings. Strings passed in are UTF-8, NUL-terminated and copied before the
 * function returns. A `const char*` returned by an accessor is borrowed from
 * the handle it was read from. It stays valid until that handle is freed,
 * and the caller must not free it. The only string the caller owns is the
 * token from gioexport_client_fetch_token(), freed with
 * gioexport_string_free().
 *
 * Threads. The library runs all network work on the I/O threads of a
 * gioexport_runtime. Every callback runs on one of those threads. A callback
 * must return quickly and must not throw or longjmp out. Inside a callback
 * every non-blocking function may be called: accessors, _free functions,
 * gioexport_operation_cancel() and the _async functions. The blocking
 * functions (those without _async, and gioexport_operation_wait()) return
 * GIOEXPORT_E_WOULD_DEADLOCK when called on an I/O thread of any
 * gioexport_runtime, because they would wait for work that the calling
 * thread itself has to run.
 */
#ifndef GIOEXPORT_H
#define GIOEXPORT_H

#include <stddef.h>
#include <stdint.h>

#if defined(GIOEXPORT_BUILDING_LIBRARY) && defined(__GNUC__)
#define GIOEXPORT_API __attribute__((visibility("default")))
#else
#define GIOEXPORT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------ */

/* The version of this header. A binding compares it with
 * gioexport_version_number() to reject an older library. */
#define GIOEXPORT_C_VERSION_MAJOR 0
#define GIOEXPORT_C_VERSION_MINOR 1
#define GIOEXPORT_C_VERSION_PATCH 0

/* Encodes a version as one integer, MAJOR * 1000000 + MINOR * 1000 + PATCH,
 * usable in #if. */
#define GIOEXPORT_C_VERSION_ENCODE(major, minor, patch) \
    ((major) * 1000000 + (minor) * 1000 + (patch))

#define GIOEXPORT_C_VERSION_NUMBER                                             \
    GIOEXPORT_C_VERSION_ENCODE(GIOEXPORT_C_VERSION_MAJOR,                      \
                               GIOEXPORT_C_VERSION_MINOR,                      \
                               GIOEXPORT_C_VERSION_PATCH)

/* Returns the version of the loaded library, such as "0.1.0". Static text. */
GIOEXPORT_API const char* gioexport_version(void);

/* Returns the version of the loaded library encoded as
 * GIOEXPORT_C_VERSION_ENCODE does. A program built against this header can
 * require gioexport_version_number() >= GIOEXPORT_C_VERSION_NUMBER. */
GIOEXPORT_API uint32_t gioexport_version_number(void);

/* ------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------ */

/* Result codes. The values equal those of gioexport::errc in the C++ API.
 * A value is never renumbered or reused. New codes are appended, so a
 * binding must accept values it does not know; gioexport_status_name()
 * returns "unknown" for them. */
typedef enum gioexport_status {
    GIOEXPORT_OK = 0,

    /* Caller input, rejected before any request is sent. */
    GIOEXPORT_E_INVALID_ARGUMENT = 1,
    GIOEXPORT_E_INVALID_URL = 2,

    /* The export API. */
    GIOEXPORT_E_AUTH_FAILED = 10,
    GIOEXPORT_E_API_ERROR = 11,
    GIOEXPORT_E_INVALID_RESPONSE = 12,
    GIOEXPORT_E_RESPONSE_TOO_LARGE = 13,
    GIOEXPORT_E_EXPORT_NOT_EXISTS = 20,
    GIOEXPORT_E_EXPORT_FAILED = 21,
    GIOEXPORT_E_EXPORT_NOT_READY = 22,
    GIOEXPORT_E_EXPORT_PAST_RETENTION = 23,
    GIOEXPORT_E_EXPORT_NOT_ENABLED = 24,
    GIOEXPORT_E_RATE_LIMITED = 25,
    GIOEXPORT_E_UNKNOWN_STATUS = 26,

    /* Transport. */
    GIOEXPORT_E_CONNECT_FAILED = 30,
    GIOEXPORT_E_TLS_FAILED = 31,
    GIOEXPORT_E_TIMEOUT = 32,
    GIOEXPORT_E_TRUNCATED = 33,
    GIOEXPORT_E_HTTP_ERROR = 34,
    GIOEXPORT_E_LINK_EXPIRED = 35,
    GIOEXPORT_E_ACCESS_DENIED = 36,
    GIOEXPORT_E_TOO_MANY_REDIRECTS = 37,
    GIOEXPORT_E_SERVER_BUSY = 38,
    GIOEXPORT_E_PROXY_AUTH_REQUIRED = 39,

    /* Content. */
    GIOEXPORT_E_CHECKSUM_MISMATCH = 40,
    GIOEXPORT_E_MD5_MISSING = 41,

    /* Local files. */
    GIOEXPORT_E_DISK_FULL = 50,
    GIOEXPORT_E_IO_ERROR = 51,

    GIOEXPORT_E_CANCELLED = 60,
    GIOEXPORT_E_INTERNAL = 99,

    /* A blocking function was called on a runtime I/O thread. */
    GIOEXPORT_E_WOULD_DEADLOCK = 100
} gioexport_status;

/* Returns the stable lower-case name of a code, such as "checksum_mismatch",
 * or "unknown" for a value this library does not know. Static text. */
GIOEXPORT_API const char* gioexport_status_name(int status);

/* The details of one failure. The library creates it, the caller that
 * received it through an out_error parameter owns it and frees it with
 * gioexport_error_free(). */
typedef struct gioexport_error gioexport_error;

/* Returns the code; GIOEXPORT_E_INVALID_ARGUMENT for a NULL error. */
GIOEXPORT_API gioexport_status gioexport_error_code(const gioexport_error* error);

/* Returns a complete English sentence that names the value involved. It never
 * contains the secret, a token or the signed query string of a link. Borrowed
 * from the error. Returns "" for a NULL error. */
GIOEXPORT_API const char* gioexport_error_message(const gioexport_error* error);

/* Returns the HTTP status of the response that caused the error, or 0. */
GIOEXPORT_API int gioexport_error_http_status(const gioexport_error* error);

/* Returns the server's own errorMsg, kept apart from the message because it
 * is text from the network; "" when there was none. Borrowed from the error. */
GIOEXPORT_API const char* gioexport_error_server_message(const gioexport_error* error);

/* Returns 1 when repeating the same operation later can succeed, else 0. */
GIOEXPORT_API int gioexport_error_is_retryable(const gioexport_error* error);

GIOEXPORT_API void gioexport_error_free(gioexport_error* error);

/* Frees a string that the library handed over to the caller. */
GIOEXPORT_API void gioexport_string_free(char* text);

/* ------------------------------------------------------------------------
 * Option structs
 *
 * Every option struct starts with `size_t struct_size`. Fill a struct with
 * its _init function, then change the fields you need. Each _init function
 * takes the size of the caller's struct, as in
 *
 *     gioexport_client_options options;
 *     gioexport_client_options_init(&options, sizeof options);
 *
 * or, the same call, GIOEXPORT_CLIENT_OPTIONS_INIT(&options). It writes
 * the defaults of the first min(struct_size, size of the struct in this
 * library) bytes, sets struct_size to that number, and writes no byte
 * beyond it. It writes nothing when the pointer is NULL or struct_size is
 * smaller than sizeof(size_t), too small to hold struct_size itself. So a
 * program built against an older, smaller header gets its own struct
 * filled and nothing past it.
 *
 * A function that takes an option struct reads only its first struct_size
 * bytes and uses the defaults for every field beyond them, so a program
 * built against an older header keeps working with a newer library. A
 * struct_size smaller than sizeof(size_t), or larger than the struct of
 * this library, is rejected with GIOEXPORT_E_INVALID_ARGUMENT. A required
 * field beyond struct_size is missing, and rejected as such.
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Runtime
 * ------------------------------------------------------------------------ */

/* An event loop and the I/O threads that run it. Every client and every
 * operation of the client runs on the runtime it was created with. */
typedef struct gioexport_runtime gioexport_runtime;

typedef struct gioexport_runtime_options {
    size_t struct_size;
    /* Number of I/O threads, 1 to 256. 0 (the default) uses the number of
     * hardware threads the system reports. */
    unsigned thread_count;
} gioexport_runtime_options;

GIOEXPORT_API void gioexport_runtime_options_init(gioexport_runtime_options* options,
                                                  size_t struct_size);
#define GIOEXPORT_RUNTIME_OPTIONS_INIT(options) \
    gioexport_runtime_options_init((options), sizeof *(options))

/* Starts the I/O threads. options may be NULL for the defaults. */
GIOEXPORT_API gioexport_status gioexport_runtime_new(const gioexport_runtime_options* options,
                                                     gioexport_runtime** out_runtime,
                                                     gioexport_error** out_error);

/* Cancels every operation still running on the runtime, waits until their
 * completion and release callbacks have returned, stops the I/O threads and
 * frees the runtime. Clients made with the runtime stay valid handles, but
 * every later call on them fails with GIOEXPORT_E_INVALID_ARGUMENT; free them
 * as usual.
 *
 * Called from a callback (an I/O thread of this runtime), it cannot join the
 * calling thread, so it returns at once and a helper thread finishes the
 * shutdown once the callback has returned. */
GIOEXPORT_API void gioexport_runtime_free(gioexport_runtime* runtime);

/* ------------------------------------------------------------------------
 * Client
 * ------------------------------------------------------------------------ */

/* A client of the export API and of the object storage behind its links.
 * It keeps one token and one pool of idle connections. Any number of
 * threads and operations may use one client at once. Its settings never
 * change after gioexport_client_new(). */
typedef struct gioexport_client gioexport_client;

typedef struct gioexport_client_options {
    size_t struct_size;

    /* Base URL of the export API; NULL means "https://www.growingio.com".
     * http:// is accepted, for local emulators. */
    const char* base_url;

    /* The project's keys. client_id (sent as X-Client-Id), project (UID)
     * and ai (project ID) are required. secret (the HMAC key, never sent) is
     * required unless token is set; with a token no token request is made. */
    const char* client_id;
    const char* secret;
    const char* project;
    const char* ai;
    const char* token;

    /* Verify the server certificate chain and host name: 1 (default) or 0.
     * Turn it off only for tests. */
    int tls_verify_peer;
    /* PEM file with the trusted CA certificates; NULL uses the system store. */
    const char* tls_ca_file;

    /* Deadlines of each phase of one HTTP exchange, in milliseconds. 0 turns
     * a deadline off. Defaults: connect 30000 (resolve and TCP connect),
     * TLS handshake 30000, first byte 60000 (request sent to response header),
     * idle 60000 (silence between body reads), request 0 (whole exchange). */
    uint32_t connect_timeout_ms;
    uint32_t tls_handshake_timeout_ms;
    uint32_t first_byte_timeout_ms;
    uint32_t idle_timeout_ms;
    uint32_t request_timeout_ms;

    /* Repeating failed requests. Connection errors, timeouts, bodies cut
     * short, 5xx and 429 are retried; other 4xx are not.
     * retry_max_attempts: attempts per request, the first included, at
     * least 1 (default 5). retry_base_delay_ms: floor of the first backoff
     * delay (default 200). retry_max_delay_ms: cap of one delay (default
     * 30000). retry_deadline_ms: time for all attempts of one request, 0
     * (default) for no limit. max_retry_after_seconds: a Retry-After longer
     * than this fails with GIOEXPORT_E_RATE_LIMITED instead of waiting
     * (default 120). */
    uint32_t retry_max_attempts;
    uint32_t retry_base_delay_ms;
    uint32_t retry_max_delay_ms;
    uint32_t retry_deadline_ms;
    uint32_t max_retry_after_seconds;

    /* Export API calls (token and listings) of this client, over all
     * threads and operations, start at most this often per second. 0 turns
     * the budget off. Default 2, the limit the API documentation states;
     * downloads from object storage do not count. */
    double api_calls_per_second;

    /* An HTTP proxy reached with CONNECT, for the API and the downloads
     * alike. proxy_url: "http://[user:password@]host:port", or NULL (default)
     * to use the environment. proxy_from_environment: 1 (default) reads
     * HTTPS_PROXY, HTTP_PROXY and NO_PROXY, in lower or upper case, when
     * proxy_url is NULL; 0 ignores them. no_proxy: comma-separated host names
     * reached directly (a leading dot optional, "*" for all), or NULL to use
     * NO_PROXY. */
    const char* proxy_url;
    int proxy_from_environment;
    const char* no_proxy;
} gioexport_client_options;

GIOEXPORT_API void gioexport_client_options_init(gioexport_client_options* options,
                                                 size_t struct_size);
#define GIOEXPORT_CLIENT_OPTIONS_INIT(options) \
    gioexport_client_options_init((options), sizeof *(options))

/* Creates a client on `runtime`. The options and their strings are copied.
 * No request is sent. Fails with GIOEXPORT_E_INVALID_ARGUMENT when a
 * required value is missing, a value contains a character that would change
 * the signed request ('&', '=', spaces, control characters), a number is out
 * of range, proxy_url is not an http URL, or tls_ca_file cannot be loaded.
 * Fails with GIOEXPORT_E_INVALID_URL for a bad base_url, and
 * GIOEXPORT_E_TLS_FAILED when the system CA store cannot be loaded. The
 * client keeps the runtime's event loop alive, but not its threads: see
 * gioexport_runtime_free(). */
GIOEXPORT_API gioexport_status gioexport_client_new(gioexport_runtime* runtime,
                                                    const gioexport_client_options* options,
                                                    gioexport_client** out_client,
                                                    gioexport_error** out_error);

/* Releases the caller's handle. Operations still running keep what they
 * need and finish normally; cancel them first to stop them. */
GIOEXPORT_API void gioexport_client_free(gioexport_client* client);

/* ------------------------------------------------------------------------
 * Operations and callbacks
 *
 * Every _async function starts the work and returns at once. On success it
 * returns a new gioexport_operation, which the caller frees with
 * gioexport_operation_free() whenever it no longer needs the handle (also
 * before the operation ends: freeing the handle does not cancel). On
 * failure to start it returns NULL, sets *out_error, and calls no callback.
 *
 * Once started, an operation calls, on the runtime's I/O threads and in this
 * order (possibly before the _async function has returned):
 *   1. its progress callback, if any, zero or more times, never two calls
 *      at once;
 *   2. its completion callback exactly once, also after a cancel;
 *   3. its release callback, if not NULL, exactly once.
 * The release callback is the last use of user_data: when it returns, the
 * library no longer touches user_data, so it is the place to free it.
 * ------------------------------------------------------------------------ */

/* An operation in flight. */
typedef struct gioexport_operation gioexport_operation;

/* Called once, after the completion callback, as the last use of user_data. */
typedef void (*gioexport_release_fn)(void* user_data);

/* Progress of a download. The struct and its strings are valid only during
 * the callback. Fields that do not apply to the operation are 0 or NULL. */
typedef struct gioexport_progress {
    size_t struct_size;
    /* gioexport_client_download_link(): the final path of the file. */
    const char* path;
    /* Bytes received so far: for one link, of that file; for an export,
     * over all files of the run. */
    uint64_t bytes_done;
    /* gioexport_client_download_link(): the expected size of the file, or 0
     * when the server sent no Content-Length. */
    uint64_t bytes_total;
    /* gioexport_client_download_export(): files listed, finished and failed
     * so far. */
    size_t files_total;
    size_t files_done;
    size_t files_failed;
} gioexport_progress;

/* Reports progress. Return 0 to continue, or any other value to cancel the
 * operation: it then ends with GIOEXPORT_E_CANCELLED, and this callback is
 * not called again for it. */
typedef int (*gioexport_progress_fn)(void* user_data, const gioexport_progress* progress);

/* Requests cancellation and returns at once. The operation stops at its next
 * suspension point, and its completion callback then gets
 * GIOEXPORT_E_CANCELLED, or the normal result when it had already finished.
 * A cancelled download leaves only its .part file; a cancelled export keeps
 * the files that were complete. Cancelling twice, or after the end, does
 * nothing. NULL is ignored. */
GIOEXPORT_API void gioexport_operation_cancel(gioexport_operation* operation);

/* Blocks until the operation has ended and its release callback has
 * returned. Returns the status that the completion callback received and, if
 * it is not GIOEXPORT_OK, sets *out_error to a new copy of its error. The
 * result itself went to the completion callback. Fails with
 * GIOEXPORT_E_WOULD_DEADLOCK on an I/O thread. May be called any number of
 * times, from any number of threads. */
GIOEXPORT_API gioexport_status gioexport_operation_wait(gioexport_operation* operation,
                                                        gioexport_error** out_error);

/* Returns 1 once the release callback has returned, else 0 (also for NULL).
 * Never blocks. */
GIOEXPORT_API int gioexport_operation_is_done(const gioexport_operation* operation);

/* Releases the caller's handle. The operation itself goes on; its callbacks
 * still come. */
GIOEXPORT_API void gioexport_operation_free(gioexport_operation* operation);

/* ------------------------------------------------------------------------
 * Token
 * ------------------------------------------------------------------------ */

/* Requests a token with the HMAC-signed POST /auth/token, stores it in the
 * client for later calls and hands a copy to the caller, to be freed with
 * gioexport_string_free(). With the token option set, returns that token
 * without a request. */
GIOEXPORT_API gioexport_status gioexport_client_fetch_token(gioexport_client* client,
                                                            char** out_token,
                                                            gioexport_error** out_error);

/* Completion of a token request. On success `token` is a new string owned by
 * the callee (free it with gioexport_string_free()) and `error` is NULL.
 * On failure `token` is NULL and `error` is borrowed: valid only during the
 * callback. */
typedef void (*gioexport_token_complete_fn)(void* user_data, gioexport_status status,
                                            char* token, const gioexport_error* error);

/* Starts gioexport_client_fetch_token(). on_complete and on_release may be
 * NULL. Without on_complete the library frees the token. */
GIOEXPORT_API gioexport_operation* gioexport_client_fetch_token_async(
    gioexport_client* client, gioexport_token_complete_fn on_complete,
    gioexport_release_fn on_release, void* user_data, gioexport_error** out_error);

/* ------------------------------------------------------------------------
 * Links
 * ------------------------------------------------------------------------ */

/* A parsed listing: the export's status and, when it is FINISHED, the links
 * of each data type. Freed with gioexport_links_free(). */
typedef struct gioexport_links gioexport_links;

/* The status field of a listing. */
typedef enum gioexport_export_status {
    GIOEXPORT_EXPORT_FINISHED = 0,
    GIOEXPORT_EXPORT_RUNNING = 1,
    GIOEXPORT_EXPORT_NOT_EXISTS = 2,
    GIOEXPORT_EXPORT_ERROR = 3,
    GIOEXPORT_EXPORT_UNKNOWN = 4 /* a value this version does not know */
} gioexport_export_status;

/* Lifetime of download links when the caller has no preference, in minutes. */
#define GIOEXPORT_DEFAULT_EXPIRY_MINUTES 5

/* Fetches the links of every data type (the all-types endpoint).
 *
 * export_type is "hour" or "day". export_date is Beijing time (UTC+8) as
 * yyyyMMdd, yyyyMMddHH or yyyyMMddHHmm; it is truncated to the hour or day
 * the type names. expiry_minutes is the lifetime of the links, 1 to 10080.
 * A value out of range fails with GIOEXPORT_E_INVALID_ARGUMENT before any
 * request is sent. A listing whose status is not FINISHED is a success:
 * check gioexport_links_status(). */
GIOEXPORT_API gioexport_status gioexport_client_fetch_links(gioexport_client* client,
                                                            const char* export_type,
                                                            const char* export_date,
                                                            int expiry_minutes,
                                                            gioexport_links** out_links,
                                                            gioexport_error** out_error);

/* Fetches the links of one data type (the one-type endpoint). data_type must
 * match [a-z0-9_]{1,64}. The other parameters are as for
 * gioexport_client_fetch_links(). */
GIOEXPORT_API gioexport_status gioexport_client_fetch_type_links(gioexport_client* client,
                                                                 const char* export_type,
                                                                 const char* data_type,
                                                                 const char* export_date,
                                                                 int expiry_minutes,
                                                                 gioexport_links** out_links,
                                                                 gioexport_error** out_error);

/* Completion of a listing. On success `links` is owned by the callee (free it
 * with gioexport_links_free()) and `error` is NULL. On failure `links` is
 * NULL and `error` is borrowed: valid only during the callback. */
typedef void (*gioexport_links_complete_fn)(void* user_data, gioexport_status status,
                                            gioexport_links* links, const gioexport_error* error);

/* Starts gioexport_client_fetch_links(). Arguments are checked before the
 * start, so a bad one makes this return NULL with *out_error set.
 * on_complete and on_release may be NULL. */
GIOEXPORT_API gioexport_operation* gioexport_client_fetch_links_async(
    gioexport_client* client, const char* export_type, const char* export_date,
    int expiry_minutes, gioexport_links_complete_fn on_complete,
    gioexport_release_fn on_release, void* user_data, gioexport_error** out_error);

/* Starts gioexport_client_fetch_type_links(), as above. */
GIOEXPORT_API gioexport_operation* gioexport_client_fetch_type_links_async(
    gioexport_client* client, const char* export_type, const char* data_type,
    const char* export_date, int expiry_minutes, gioexport_links_complete_fn on_complete,
    gioexport_release_fn on_release, void* user_data, gioexport_error** out_error);

/* Accessors. Each returns 0, NULL or GIOEXPORT_EXPORT_UNKNOWN for a NULL
 * handle or an index out of range. Strings are borrowed from `links`. */
GIOEXPORT_API gioexport_export_status gioexport_links_status(const gioexport_links* links);
/* The status as the server sent it, also when it is unknown. */
GIOEXPORT_API const char* gioexport_links_status_text(const gioexport_links* links);
GIOEXPORT_API const char* gioexport_links_export_type(const gioexport_links* links);
/* The data type of a one-type listing; "" for the all-types endpoint. */
GIOEXPORT_API const char* gioexport_links_data_type(const gioexport_links* links);
GIOEXPORT_API const char* gioexport_links_export_date(const gioexport_links* links);
GIOEXPORT_API const char* gioexport_links_export_version(const gioexport_links* links);
GIOEXPORT_API const char* gioexport_links_request_time(const gioexport_links* links);
/* The server's errorMsg, "" when empty. */
GIOEXPORT_API const char* gioexport_links_error_message(const gioexport_links* links);
/* Total number of links over all data types. */
GIOEXPORT_API size_t gioexport_links_total_count(const gioexport_links* links);
/* Number of data types listed, in server order. */
GIOEXPORT_API size_t gioexport_links_type_count(const gioexport_links* links);
GIOEXPORT_API const char* gioexport_links_type_name(const gioexport_links* links,
                                                    size_t type_index);
GIOEXPORT_API size_t gioexport_links_url_count(const gioexport_links* links, size_t type_index);
/* The link at url_index of a data type. Its position is the file's part
 * number. The URL carries a signature: do not log it. */
GIOEXPORT_API const char* gioexport_links_url(const gioexport_links* links, size_t type_index,
                                              size_t url_index);

GIOEXPORT_API void gioexport_links_free(gioexport_links* links);

/* ------------------------------------------------------------------------
 * Downloading one link
 * ------------------------------------------------------------------------ */

typedef struct gioexport_download_options {
    size_t struct_size;
    /* 1: fail with GIOEXPORT_E_MD5_MISSING when the server sends no MD5
     * header. 0 (default): keep such a file, marked unverified. */
    int require_md5;
    /* Bytes of buffer per transfer: it fills one half while the other half
     * is hashed and written. Default 262144; values below 16384 are raised
     * to 16384. */
    size_t buffer_size;
    /* 0 (default): flush the file to stable storage (fsync) before it takes
     * its final name, so a file reported as done survives a power loss.
     * 1: leave that to the operating system, as curl and wget do. That is
     * faster for many small files, but a power loss or kernel crash may then
     * lose or damage files reported as done. An export marks such files in its
     * journal, and a later run checks their MD5 before trusting them.
     * A caller built before this field existed passes a struct_size
     * without it, which leaves it 0. */
    int no_fsync;
} gioexport_download_options;

GIOEXPORT_API void gioexport_download_options_init(gioexport_download_options* options,
                                                   size_t struct_size);
#define GIOEXPORT_DOWNLOAD_OPTIONS_INIT(options) \
    gioexport_download_options_init((options), sizeof *(options))

/* One file that arrived whole and carries its final name. */
typedef struct gioexport_download_result gioexport_download_result;

/* Downloads `url` to `path`. The bytes go to path + ".part" first; the file
 * takes its final name only once its length and MD5 check out. Missing
 * parent folders are created. Sends no credentials. options may be NULL for
 * the defaults. on_progress may be NULL; it runs on an I/O thread while this
 * function blocks. */
GIOEXPORT_API gioexport_status gioexport_client_download_link(
    gioexport_client* client, const char* url, const char* path,
    const gioexport_download_options* options, gioexport_progress_fn on_progress,
    void* user_data, gioexport_download_result** out_result, gioexport_error** out_error);

/* Completion of a download. On success `result` is owned by the callee
 * (free it with gioexport_download_result_free()) and `error` is NULL. On
 * failure `result` is NULL and `error` is borrowed: valid only during the
 * callback. */
typedef void (*gioexport_download_complete_fn)(void* user_data, gioexport_status status,
                                               gioexport_download_result* result,
                                               const gioexport_error* error);

/* Starts gioexport_client_download_link(). on_progress, on_complete and
 * on_release may be NULL. */
GIOEXPORT_API gioexport_operation* gioexport_client_download_link_async(
    gioexport_client* client, const char* url, const char* path,
    const gioexport_download_options* options, gioexport_progress_fn on_progress,
    gioexport_download_complete_fn on_complete, gioexport_release_fn on_release,
    void* user_data, gioexport_error** out_error);

/* Accessors; 0 or NULL for a NULL handle. Strings are borrowed. */
GIOEXPORT_API const char* gioexport_download_result_path(const gioexport_download_result* result);
GIOEXPORT_API uint64_t gioexport_download_result_bytes(const gioexport_download_result* result);
/* The MD5 of the bytes on disk as 32 lower-case hex digits. */
GIOEXPORT_API const char* gioexport_download_result_md5(const gioexport_download_result* result);
/* 1 when the MD5 equals the server's x-amz-meta-md5-hash; 0 when the server
 * sent no MD5, so the file was kept unchecked. */
GIOEXPORT_API int gioexport_download_result_verified(const gioexport_download_result* result);

GIOEXPORT_API void gioexport_download_result_free(gioexport_download_result* result);

/* ------------------------------------------------------------------------
 * Downloading a whole export
 * ------------------------------------------------------------------------ */

typedef struct gioexport_export_request {
    size_t struct_size;
    /* Required: "hour" or "day". */
    const char* export_type;
    /* Required: Beijing time, as for gioexport_client_fetch_links(). */
    const char* export_date;
    /* Lifetime of the links, 1 to 10080 minutes. Default
     * GIOEXPORT_DEFAULT_EXPIRY_MINUTES. */
    int expiry_minutes;
    /* The data types to fetch, each through the one-type endpoint, or NULL
     * with data_type_count 0 (default) for every type through the all-types
     * endpoint. The array and its strings are copied. */
    const char* const* data_types;
    size_t data_type_count;
    /* Required: the folder under which files land as
     * out_dir/<ai>/<exportType>/<exportDate>/<dataType>/part-NNNNN.csv.gz. */
    const char* out_dir;
    /* Downloads in flight at once, 1 to 256. Default 8. */
    size_t concurrency;
    /* How long to keep polling while the export is RUNNING, in seconds.
     * 0 (default) fails at once with GIOEXPORT_E_EXPORT_NOT_READY. */
    uint32_t wait_seconds;
    /* Seconds between two polls, at least 1. Default 30. */
    uint32_t poll_interval_seconds;
    /* As in gioexport_download_options: require_md5 default 0, buffer_size
     * default 262144, no_fsync default 0. */
    int require_md5;
    size_t buffer_size;
    int no_fsync;
} gioexport_export_request;

GIOEXPORT_API void gioexport_export_request_init(gioexport_export_request* request,
                                                 size_t struct_size);
#define GIOEXPORT_EXPORT_REQUEST_INIT(request) \
    gioexport_export_request_init((request), sizeof *(request))

/* The outcome of a whole export. */
typedef struct gioexport_export_result gioexport_export_result;

/* Lists, waits while RUNNING, downloads every file and writes the manifest
 * (manifest.json in the export folder). A failed file is reported in the
 * result, not as the return value: GIOEXPORT_OK means the run ended, and
 * gioexport_export_result_failed_count() is 0 when every file arrived.
 * Listing failures and cancellation are returned as errors. on_progress may
 * be NULL; it runs on I/O threads while this function blocks, never two
 * calls at once. */
GIOEXPORT_API gioexport_status gioexport_client_download_export(
    gioexport_client* client, const gioexport_export_request* request,
    gioexport_progress_fn on_progress, void* user_data,
    gioexport_export_result** out_result, gioexport_error** out_error);

/* Completion of an export. On success `result` is owned by the callee (free
 * it with gioexport_export_result_free()) and `error` is NULL. On failure
 * `result` is NULL and `error` is borrowed: valid only during the
 * callback. */
typedef void (*gioexport_export_complete_fn)(void* user_data, gioexport_status status,
                                             gioexport_export_result* result,
                                             const gioexport_error* error);

/* Starts gioexport_client_download_export(). The request is copied, and its
 * strings are checked, before the start: a NULL or invalid export_type,
 * export_date, data type or out_dir makes this return NULL. A concurrency or
 * poll_interval_seconds out of range, and an out_dir that cannot be created,
 * reach the completion callback as errors instead. on_progress, on_complete
 * and on_release may be NULL. */
GIOEXPORT_API gioexport_operation* gioexport_client_download_export_async(
    gioexport_client* client, const gioexport_export_request* request,
    gioexport_progress_fn on_progress, gioexport_export_complete_fn on_complete,
    gioexport_release_fn on_release, void* user_data, gioexport_error** out_error);

/* Accessors; 0 or NULL for a NULL handle or an index out of range. Strings
 * are borrowed from the result. */
/* out_dir/<ai>/<exportType>/<exportDate>. */
GIOEXPORT_API const char* gioexport_export_result_export_dir(const gioexport_export_result* result);
GIOEXPORT_API const char* gioexport_export_result_manifest_path(
    const gioexport_export_result* result);
/* The listing the run used, borrowed from the result: do not free it. */
GIOEXPORT_API const gioexport_links* gioexport_export_result_listing(
    const gioexport_export_result* result);
/* Number of listed files, in listing order: data types as listed, then
 * position. */
GIOEXPORT_API size_t gioexport_export_result_file_count(const gioexport_export_result* result);
/* Number of files that did not arrive. */
GIOEXPORT_API size_t gioexport_export_result_failed_count(const gioexport_export_result* result);
GIOEXPORT_API const char* gioexport_export_result_file_data_type(
    const gioexport_export_result* result, size_t index);
/* The index of the file's link in its data type's list. */
GIOEXPORT_API size_t gioexport_export_result_file_position(const gioexport_export_result* result,
                                                           size_t index);
/* The path below the export folder, such as "page/part-00000.csv.gz". */
GIOEXPORT_API const char* gioexport_export_result_file_path(const gioexport_export_result* result,
                                                            size_t index);
/* GIOEXPORT_OK when the file arrived, else the code of its failure;
 * GIOEXPORT_E_INVALID_ARGUMENT for a NULL handle or an index out of range. */
GIOEXPORT_API gioexport_status gioexport_export_result_file_status(
    const gioexport_export_result* result, size_t index);
/* The failure's message; "" for a file that arrived. */
GIOEXPORT_API const char* gioexport_export_result_file_error_message(
    const gioexport_export_result* result, size_t index);
/* Size, MD5 and verification of a file that arrived; 0, "" and 0 otherwise. */
GIOEXPORT_API uint64_t gioexport_export_result_file_bytes(const gioexport_export_result* result,
                                                          size_t index);
GIOEXPORT_API const char* gioexport_export_result_file_md5(const gioexport_export_result* result,
                                                           size_t index);
GIOEXPORT_API int gioexport_export_result_file_verified(const gioexport_export_result* result,
                                                        size_t index);

GIOEXPORT_API void gioexport_export_result_free(gioexport_export_result* result);

#ifdef __cplusplus
}
#endif

#endif /* GIOEXPORT_H */
