// gioexport_runtime: the io_context, its I/O threads and their shutdown.
#include "internal.hpp"

#include <boost/asio/post.hpp>

namespace gioexport::capi {
namespace {

// Set for the whole life of each I/O thread, so blocking entry points can
// refuse to wait on a thread that has to run the work they wait for.
thread_local bool is_io_thread = false;

constexpr unsigned max_threads = 256;

}  // namespace

bool on_io_thread() noexcept
{
    return is_io_thread;
}

void reject_blocking_on_io_thread(const char* function)
{
    if (is_io_thread)
        throw error(errc::would_deadlock,
                    std::string(function) +
                        " was called on a gioexport I/O thread (from a callback), where it would "
                        "wait for work that only this thread can run; use the _async function instead");
}

runtime_core::runtime_core(unsigned thread_count)
    : io_(static_cast<int>(thread_count)), work_(asio::make_work_guard(io_))
{
    threads_.reserve(thread_count);
    try {
        for (unsigned i = 0; i < thread_count; ++i)
            threads_.emplace_back([this] { run_thread(); });
    } catch (...) {
        shut_down();
        throw;
    }
}

runtime_core::~runtime_core()
{
    // gioexport_runtime_free() has joined the threads already; this only
    // covers a constructor that failed half-way.
    shut_down();
}

void runtime_core::run_thread() noexcept
{
    is_io_thread = true;
    for (;;) {
        try {
            io_.run();
            return;
        } catch (...) {
            // Handlers of this library catch their own exceptions. If one
            // escapes anyway, the thread keeps serving the loop rather than
            // terminating the process.
        }
    }
}

bool runtime_core::add_operation(const std::shared_ptr<operation_state>& operation)
{
    std::lock_guard lock(mutex_);
    if (!accepting_)
        return false;
    operations_.emplace(operation.get(), operation);
    return true;
}

void runtime_core::remove_operation(const operation_state* operation) noexcept
{
    std::lock_guard lock(mutex_);
    operations_.erase(operation);
}

bool runtime_core::accepting() const
{
    std::lock_guard lock(mutex_);
    return accepting_;
}

void runtime_core::shut_down() noexcept
{
    std::vector<std::shared_ptr<operation_state>> running;
    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
        for (auto& [key, weak] : operations_)
            if (auto operation = weak.lock())
                running.push_back(std::move(operation));
    }
    for (auto& operation : running)
        operation->request_cancel();
    running.clear();

    // Without the guard, run() returns in every thread once the cancelled
    // operations have delivered their callbacks and no work is left.
    work_.reset();
    for (std::thread& thread : threads_)
        if (thread.joinable())
            thread.join();
    threads_.clear();
}

}  // namespace gioexport::capi

using namespace gioexport::capi;

extern "C" {

void gioexport_runtime_options_init(gioexport_runtime_options* options, size_t struct_size)
{
    gioexport_runtime_options defaults{};
    defaults.thread_count = 0;
    write_defaults(options, struct_size, defaults);
}

gioexport_status gioexport_runtime_new(const gioexport_runtime_options* options,
                                       gioexport_runtime** out_runtime, gioexport_error** out_error)
{
    return guarded(out_error, [&] {
        require(out_runtime, "out_runtime");
        *out_runtime = nullptr;
        const auto settings = read_options(options, &gioexport_runtime_options_init, "gioexport_runtime_options");
        unsigned threads = settings.thread_count;
        if (threads == 0)
            threads = std::max(1u, std::thread::hardware_concurrency());
        threads = std::min(threads, max_threads);
        if (settings.thread_count > max_threads)
            throw_invalid("invalid thread_count " + std::to_string(settings.thread_count) +
                          ": expected 0 (one per hardware thread) to " + std::to_string(max_threads));

        auto runtime = std::make_unique<gioexport_runtime>();
        runtime->core = std::make_shared<runtime_core>(threads);
        *out_runtime = runtime.release();
        return GIOEXPORT_OK;
    });
}

void gioexport_runtime_free(gioexport_runtime* runtime)
{
    if (runtime == nullptr || runtime->tag != runtime_tag)
        return;
    runtime->tag = 0;
    std::shared_ptr<runtime_core> core = std::move(runtime->core);
    delete runtime;

    if (!on_io_thread()) {
        core->shut_down();
        return;
    }
    // On an I/O thread the join would wait for this very thread, so a helper
    // thread does it once the callback has returned.
    try {
        std::thread([core] { core->shut_down(); }).detach();
    } catch (...) {
        // No thread could be started: the runtime keeps running until the
        // process exits. Nothing else is safe here.
    }
}

}  // extern "C"
