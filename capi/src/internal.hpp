// Definitions behind the opaque handles of gioexport.h, and the helpers that
// every C entry point uses to check arguments and to turn exceptions into
// status codes.
#pragma once

#include "gioexport.h"

#include <gioexport/client.hpp>
#include <gioexport/error.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gioexport::capi {

namespace asio = boost::asio;

// Tags stored in the first field of each long-lived handle and cleared when
// it is freed, so a stale or mistyped pointer is often reported as an invalid
// argument instead of being used. Reading a freed handle is still undefined
// behaviour; the tag only makes the common mistake visible.
inline constexpr std::uint32_t runtime_tag = 0x67696f52;    // "gioR"
inline constexpr std::uint32_t client_tag = 0x67696f43;     // "gioC"
inline constexpr std::uint32_t operation_tag = 0x67696f4f;  // "gioO"

// A failure on its way to a gioexport_error.
struct failure {
    gioexport_status code = GIOEXPORT_E_INTERNAL;
    std::string message;
    int http_status = 0;
    std::string server_message;
};

// Classifies the exception being handled. Call only inside a catch block.
failure current_failure() noexcept;

// Stores a new error object in *out_error (when out_error is not NULL) and
// returns its code. Never throws: without memory it hands out a static
// "out of memory" error, which gioexport_error_free() ignores.
gioexport_status report(gioexport_error** out_error, failure&& what) noexcept;

// Allocates an error object; without memory returns the static "out of
// memory" error, which gioexport_error_free() ignores. Never NULL.
gioexport_error* make_error(const failure& what) noexcept;

// Runs `body` as the body of a C entry point: clears *out_error, returns what
// body returns, and turns every exception into a status and error object.
template <class Body>
gioexport_status guarded(gioexport_error** out_error, Body&& body) noexcept
{
    if (out_error != nullptr)
        *out_error = nullptr;
    try {
        return body();
    } catch (...) {
        return report(out_error, current_failure());
    }
}

[[noreturn]] void throw_invalid(const std::string& message);

// Throws errc::invalid_argument naming the parameter when `value` is NULL.
void require(const void* value, const char* parameter);

// Copies the first min(struct_size, sizeof(Options)) bytes of `defaults`
// into a caller's option struct, with struct_size set to that number, and
// writes no byte beyond them. Writes nothing when `out` is NULL or
// struct_size cannot hold the struct_size field itself.
template <class Options>
void write_defaults(Options* out, std::size_t struct_size, Options defaults) noexcept
{
    static_assert(offsetof(Options, struct_size) == 0, "struct_size must be the first field");
    if (out == nullptr || struct_size < sizeof defaults.struct_size)
        return;
    const std::size_t size = std::min(struct_size, sizeof(Options));
    defaults.struct_size = size;
    std::memcpy(static_cast<void*>(out), &defaults, size);
}

// Copies the first struct_size bytes of a caller's option struct over a
// struct filled with defaults, so fields beyond them keep their defaults.
// A struct_size that cannot hold the struct_size field, or that is larger
// than the struct of this library, is rejected.
template <class Options>
Options read_options(const Options* given, void (*init)(Options*, std::size_t), const char* type_name)
{
    Options options;
    init(&options, sizeof options);
    if (given == nullptr)
        return options;
    if (given->struct_size < sizeof given->struct_size || given->struct_size > sizeof(Options))
        throw_invalid(std::string("invalid ") + type_name + ".struct_size " +
                      std::to_string(given->struct_size) + ": expected " +
                      std::to_string(sizeof given->struct_size) + " to " + std::to_string(sizeof(Options)) +
                      "; fill the struct with its _init function");
    std::memcpy(static_cast<void*>(&options), given, given->struct_size);
    options.struct_size = sizeof(Options);
    return options;
}

class operation_state;

// The event loop and I/O threads of one gioexport_runtime. Clients and
// operations share ownership, so the io_context outlives every socket and
// timer made on it.
class runtime_core {
public:
    explicit runtime_core(unsigned thread_count);
    ~runtime_core();
    runtime_core(const runtime_core&) = delete;
    runtime_core& operator=(const runtime_core&) = delete;

    asio::io_context& io() noexcept { return io_; }

    // Records a started operation so shut_down() can cancel it. Returns false
    // once shut_down() has begun.
    bool add_operation(const std::shared_ptr<operation_state>& operation);
    void remove_operation(const operation_state* operation) noexcept;

    // Cancels every recorded operation, lets the event loop run out of work
    // and joins the I/O threads. Must not run on one of those threads.
    void shut_down() noexcept;

    bool accepting() const;

private:
    void run_thread() noexcept;

    asio::io_context io_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    std::vector<std::thread> threads_;

    mutable std::mutex mutex_;
    bool accepting_ = true;
    std::unordered_map<const operation_state*, std::weak_ptr<operation_state>> operations_;
};

// True on an I/O thread of any gioexport_runtime. Blocking entry points
// check it; it is not an error slot.
bool on_io_thread() noexcept;

// Throws errc::would_deadlock on an I/O thread, naming the function.
void reject_blocking_on_io_thread(const char* function);

// The shared part of one operation. The strand serialises the coroutine,
// the cancellation signal and the completion.
class operation_state : public std::enable_shared_from_this<operation_state> {
public:
    operation_state(std::shared_ptr<runtime_core> core, gioexport::client client,
                    gioexport_progress_fn on_progress, gioexport_release_fn on_release,
                    void* user_data);

    // Owned by the operation so the coroutine can use it after the caller
    // has freed its gioexport_client. Declared after `core` so it is
    // destroyed first, while the io_context still exists.
    std::shared_ptr<runtime_core> core;
    gioexport::client client;
    asio::strand<asio::io_context::executor_type> strand;
    asio::cancellation_signal signal;  // emitted on the strand only

    // Posts a terminal cancellation to the strand. Callable from any thread.
    void request_cancel() noexcept;

    // Calls the caller's progress callback unless it asked to cancel before.
    // A nonzero return, or an exception from a C++ callback, requests
    // cancellation and stops further progress calls.
    void report_progress(const gioexport_progress& progress) noexcept;

    // Marks the operation complete, so a later cancel emits nothing. Runs on
    // the strand when the coroutine has ended.
    void mark_completed() noexcept { completed_ = true; }
    // Whether gioexport_operation_cancel() or a progress callback asked to
    // stop.
    bool cancel_requested() const noexcept { return cancel_requested_.load(); }

    // Calls the release callback, then wakes the waiters. The last step of
    // every operation.
    void finish(gioexport_status status, std::optional<failure> error) noexcept;

    // Blocks until finish() has run and returns its status and error.
    gioexport_status wait(std::optional<failure>& error);
    bool is_done() const;

    void* user_data() const noexcept { return user_data_; }

private:
    gioexport_progress_fn on_progress_;
    gioexport_release_fn on_release_;
    void* user_data_;

    bool completed_ = false;  // strand only
    std::atomic<bool> cancel_requested_{false};
    std::atomic<bool> progress_stopped_{false};

    mutable std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    gioexport_status status_ = GIOEXPORT_OK;
    std::optional<failure> error_;
};

}  // namespace gioexport::capi

// The handle types of gioexport.h. They live in the global namespace because
// the C header declares them there.

struct gioexport_error {
    gioexport_status code;
    std::string message;
    int http_status;
    std::string server_message;
    bool retryable;
};

struct gioexport_runtime {
    std::uint32_t tag = gioexport::capi::runtime_tag;
    std::shared_ptr<gioexport::capi::runtime_core> core;
};

struct gioexport_client {
    std::uint32_t tag = gioexport::capi::client_tag;
    std::shared_ptr<gioexport::capi::runtime_core> core;
    gioexport::client client;
};

struct gioexport_operation {
    std::uint32_t tag = gioexport::capi::operation_tag;
    std::shared_ptr<gioexport::capi::operation_state> state;
};

struct gioexport_links {
    gioexport::links_response response;
};

struct gioexport_download_result {
    std::string path;
    gioexport::file_result file;
};

// The per-file strings are converted once so accessors can hand out
// borrowed pointers.
struct gioexport_export_file {
    std::string data_type;
    std::string relative_path;
    std::string md5;
};

struct gioexport_export_result {
    gioexport_links listing;
    std::string export_dir;
    std::string manifest_path;
    gioexport::export_result result;
    std::vector<gioexport_export_file> files;
};
