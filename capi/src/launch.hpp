// Starting a coroutine of the C++ client as a C operation, and the blocking
// and _async shapes built on it.
#pragma once

#include "internal.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <functional>

namespace gioexport::capi {

// Receives the outcome on the operation's strand: the converted result
// (owned by the receiver, NULL on failure) and the error (borrowed, NULL on
// success). Must not throw.
template <class Handle>
using deliver_fn = std::function<void(gioexport_status, Handle*, const gioexport_error*)>;

// Checks a client handle and its runtime before an operation starts.
void require_client(const gioexport_client* client);

// Spawns the awaitable that `make` returns on a new strand, with a
// cancellation slot that gioexport_operation_cancel() emits. When it ends,
// `convert` turns its value into a C handle and `deliver` receives it; then
// the release callback runs and waiters wake up.
template <class T, class Handle>
std::shared_ptr<operation_state> launch(gioexport_client* client, gioexport_progress_fn on_progress,
                                        gioexport_release_fn on_release, void* user_data,
                                        std::function<asio::awaitable<T>(operation_state&)> make,
                                        Handle* (*convert)(T&&), deliver_fn<Handle> deliver)
{
    auto state = std::make_shared<operation_state>(client->core, client->client, on_progress,
                                                   on_release, user_data);
    // The awaitable only records its arguments; its body starts on the strand.
    asio::awaitable<T> work = make(*state);

    auto on_done = [state, convert, deliver = std::move(deliver)](std::exception_ptr thrown, T value) {
        state->mark_completed();
        std::optional<failure> failed;
        if (thrown) {
            try {
                std::rethrow_exception(thrown);
            } catch (...) {
                failed = current_failure();
            }
            if (state->cancel_requested() && failed->code != GIOEXPORT_E_CANCELLED) {
                // The cancel arrived while the operation was failing for
                // another reason; the caller asked to stop, so report that.
                failed->code = GIOEXPORT_E_CANCELLED;
            }
        }

        Handle* made = nullptr;
        if (!failed) {
            try {
                made = convert(std::move(value));
            } catch (...) {
                failed = current_failure();
            }
        }
        const gioexport_status status = failed ? failed->code : GIOEXPORT_OK;
        gioexport_error* error = failed ? make_error(*failed) : nullptr;
        deliver(status, made, error);
        gioexport_error_free(error);
        state->finish(status, std::move(failed));
    };

    if (!client->core->add_operation(state))
        throw_invalid("invalid client: its runtime has been freed");
    try {
        asio::co_spawn(state->strand, std::move(work),
                       asio::bind_cancellation_slot(state->signal.slot(),
                                                    asio::bind_executor(state->strand, std::move(on_done))));
    } catch (...) {
        client->core->remove_operation(state.get());
        throw;
    }
    return state;
}

// The body of a blocking entry point. `build` checks the arguments and
// returns the awaitable factory; it runs before anything starts.
template <class T, class Handle, class Build>
gioexport_status run_blocking(const char* function, gioexport_client* client,
                              gioexport_progress_fn on_progress, void* user_data, Build&& build,
                              Handle* (*convert)(T&&), Handle** out_result, gioexport_error** out_error)
{
    return guarded(out_error, [&] {
        require(out_result, "the result pointer");
        *out_result = nullptr;
        std::function<asio::awaitable<T>(operation_state&)> make = build();
        require_client(client);
        reject_blocking_on_io_thread(function);

        // Written on the strand before finish() takes the state's mutex, and
        // read after wait() took it, so the mutex orders the two.
        auto received = std::make_shared<Handle*>(nullptr);
        auto state = launch<T, Handle>(client, on_progress, nullptr, user_data, std::move(make), convert,
                                       [received](gioexport_status, Handle* made, const gioexport_error*) {
                                           *received = made;
                                       });
        std::optional<failure> failed;
        const gioexport_status status = state->wait(failed);
        if (status != GIOEXPORT_OK)
            return report(out_error, std::move(*failed));
        *out_result = *received;
        return GIOEXPORT_OK;
    });
}

// The body of an _async entry point, with `build` as for run_blocking().
// Without a completion callback the result is freed with `free_result`.
template <class T, class Handle, class CompleteFn, class Build>
gioexport_operation* start_async(gioexport_client* client, gioexport_progress_fn on_progress,
                                 CompleteFn on_complete, gioexport_release_fn on_release, void* user_data,
                                 Build&& build, Handle* (*convert)(T&&), void (*free_result)(Handle*),
                                 gioexport_error** out_error) noexcept
{
    gioexport_operation* started = nullptr;
    guarded(out_error, [&] {
        std::function<asio::awaitable<T>(operation_state&)> make = build();
        require_client(client);
        auto handle = std::make_unique<gioexport_operation>();
        deliver_fn<Handle> deliver = [on_complete, user_data, free_result](
                                         gioexport_status status, Handle* made, const gioexport_error* error) {
            if (on_complete == nullptr) {
                free_result(made);
                return;
            }
            try {
                on_complete(user_data, status, made, error);
            } catch (...) {
                // A C++ callback threw although the contract forbids it; the
                // exception must not unwind into the event loop.
            }
        };
        handle->state = launch<T, Handle>(client, on_progress, on_release, user_data, std::move(make), convert,
                                          std::move(deliver));
        started = handle.release();
        return GIOEXPORT_OK;
    });
    return started;
}

}  // namespace gioexport::capi
