// gioexport_operation: cancellation, progress, completion and waiting.
#include "launch.hpp"

#include <boost/asio/post.hpp>

namespace gioexport::capi {

operation_state::operation_state(std::shared_ptr<runtime_core> core_, gioexport::client client_,
                                 gioexport_progress_fn on_progress, gioexport_release_fn on_release,
                                 void* user_data)
    : core(std::move(core_)),
      client(std::move(client_)),
      strand(asio::make_strand(core->io())),
      on_progress_(on_progress),
      on_release_(on_release),
      user_data_(user_data)
{
}

void operation_state::request_cancel() noexcept
{
    cancel_requested_ = true;
    {
        // After finish() nothing is left to cancel, and after the runtime
        // stopped no thread would run the posted handler.
        std::lock_guard lock(mutex_);
        if (done_)
            return;
    }
    try {
        // The signal and its slot are used on the strand only, so the emit
        // is posted there. Terminal cancellation: the operation ends, and
        // the client stays usable for other operations.
        asio::post(strand, [self = shared_from_this()] {
            if (!self->completed_)
                self->signal.emit(asio::cancellation_type::terminal);
        });
    } catch (...) {
        // Without memory for the handler the cancel is lost, and the
        // operation runs to its normal end.
    }
}

void operation_state::report_progress(const gioexport_progress& progress) noexcept
{
    if (on_progress_ == nullptr || progress_stopped_.load())
        return;
    int verdict = 0;
    try {
        verdict = on_progress_(user_data_, &progress);
    } catch (...) {
        verdict = 1;  // a C++ callback threw: treat it as a request to stop
    }
    if (verdict != 0) {
        progress_stopped_ = true;
        request_cancel();
    }
}

void operation_state::finish(gioexport_status status, std::optional<failure> error) noexcept
{
    if (on_release_ != nullptr) {
        try {
            on_release_(user_data_);
        } catch (...) {
            // See start_async(): exceptions must not reach the event loop.
        }
    }
    {
        std::lock_guard lock(mutex_);
        done_ = true;
        status_ = status;
        error_ = std::move(error);
    }
    done_cv_.notify_all();
    core->remove_operation(this);
}

gioexport_status operation_state::wait(std::optional<failure>& error)
{
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return done_; });
    error = error_;
    return status_;
}

bool operation_state::is_done() const
{
    std::lock_guard lock(mutex_);
    return done_;
}

void require_client(const gioexport_client* client)
{
    require(client, "client");
    if (client->tag != client_tag)
        throw_invalid("invalid client: the pointer is not a live gioexport_client");
    if (!client->core->accepting())
        throw_invalid("invalid client: its runtime has been freed");
}

}  // namespace gioexport::capi

using namespace gioexport::capi;

namespace {

bool is_live(const gioexport_operation* operation) noexcept
{
    return operation != nullptr && operation->tag == operation_tag;
}

}  // namespace

extern "C" {

void gioexport_operation_cancel(gioexport_operation* operation)
{
    if (is_live(operation))
        operation->state->request_cancel();
}

gioexport_status gioexport_operation_wait(gioexport_operation* operation, gioexport_error** out_error)
{
    return guarded(out_error, [&] {
        require(operation, "operation");
        if (!is_live(operation))
            throw_invalid("invalid operation: the pointer is not a live gioexport_operation");
        reject_blocking_on_io_thread("gioexport_operation_wait");
        std::optional<failure> failed;
        const gioexport_status status = operation->state->wait(failed);
        if (status != GIOEXPORT_OK)
            return report(out_error, std::move(*failed));
        return GIOEXPORT_OK;
    });
}

int gioexport_operation_is_done(const gioexport_operation* operation)
{
    if (!is_live(operation))
        return 0;
    try {
        return operation->state->is_done() ? 1 : 0;
    } catch (...) {
        return 0;  // std::mutex::lock failed, which leaves nothing better to say
    }
}

void gioexport_operation_free(gioexport_operation* operation)
{
    if (!is_live(operation))
        return;
    operation->tag = 0;
    delete operation;
}

}  // extern "C"
