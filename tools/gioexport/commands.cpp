#include "commands.hpp"

#include "exit_codes.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <gioexport/client.hpp>
#include <gioexport/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unistd.h>

namespace gioexport::cli {
namespace {

namespace asio = boost::asio;
using std::chrono::steady_clock;

void write_stdout(std::string_view text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

// Report of an operation that ended with an exception.
struct failure {
    exit_code code = exit_code::internal;
    std::string error_name;
    std::string message;  // localized sentence, then the library's message
    int http_status = 0;
};

failure describe_failure(std::exception_ptr exception, bool interrupted, language lang)
{
    failure out;
    std::string detail;
    try {
        std::rethrow_exception(exception);
    } catch (const gioexport::error& e) {
        out.code = exit_code_for(e.code());
        out.error_name = gioexport::errc_name(e.code());
        out.http_status = e.http_status();
        detail = e.what();
    } catch (const boost::system::system_error& e) {
        // Asio timers report cancellation as operation_aborted.
        if (e.code() == asio::error::operation_aborted) {
            out.code = exit_code::interrupted;
            out.error_name = gioexport::errc_name(gioexport::errc::cancelled);
        } else {
            out.code = exit_code::internal;
            out.error_name = gioexport::errc_name(gioexport::errc::internal);
        }
        detail = e.what();
    } catch (const std::filesystem::filesystem_error& e) {
        out.code = exit_code::local_io;
        out.error_name = gioexport::errc_name(gioexport::errc::io_error);
        detail = e.what();
    } catch (const std::exception& e) {
        out.code = exit_code::internal;
        out.error_name = gioexport::errc_name(gioexport::errc::internal);
        detail = e.what();
    }

    // After a signal, any failure is the interruption showing through.
    if (interrupted) {
        out.code = exit_code::interrupted;
        out.error_name = gioexport::errc_name(gioexport::errc::cancelled);
    }
    out.message = std::string(message_text(lang, failure_sentence(out.code))) + " " + detail;
    return out;
}

void report_failure(const failure& reported, bool json, stderr_writer& err)
{
    if (json)
        write_stdout(serialize_line(error_to_json(reported.code, reported.error_name,
                                                  reported.message, reported.http_status)));
    else
        err.write_line("gioexport: " + reported.message);
}

void log_line(const gioexport::client& client, gioexport::log_level level, const std::string& line)
{
    if (client.options().logger)
        client.options().logger(level, line);
}

// Fetches one listing: the all-types endpoint when no type is named,
// otherwise one call per type, merged in the order named. The first listing
// that is not FINISHED ends the merge and decides the status.
asio::awaitable<gioexport::links_response> fetch_listing(gioexport::client client,
                                                         cli_settings settings)
{
    if (settings.data_types.empty())
        co_return co_await client.fetch_links(*settings.type, *settings.date, settings.expiry);

    gioexport::links_response merged;
    std::string type_names;
    for (const gioexport::data_type& type : settings.data_types) {
        gioexport::links_response one =
            co_await client.fetch_links(*settings.type, type, *settings.date, settings.expiry);
        if (!type_names.empty())
            type_names += ',';
        type_names += type.name();

        const bool first = merged.status_text.empty();
        std::vector<gioexport::type_links> links = std::move(merged.links);
        links.insert(links.end(), one.links.begin(), one.links.end());
        if (first || one.status != gioexport::export_status::finished)
            merged = std::move(one);
        merged.links = std::move(links);
        if (merged.status != gioexport::export_status::finished)
            break;
    }
    merged.data_type = type_names;
    co_return merged;
}

asio::awaitable<int> run_links(gioexport::client client, cli_settings settings, language lang,
                               stderr_writer* err)
{
    const auto deadline = steady_clock::now() + settings.wait;
    gioexport::links_response listing;
    // NOT_EXISTS for a period that has not ended or ended less than 3 hours
    // ago means "not produced yet", as for download: it is polled like
    // RUNNING.
    auto not_ready = [&] {
        return listing.status == gioexport::export_status::running ||
               (listing.status == gioexport::export_status::not_exists &&
                gioexport::not_exists_means_not_ready(*settings.type, *settings.date));
    };
    for (;;) {
        listing = co_await fetch_listing(client, settings);
        if (!not_ready())
            break;
        if (steady_clock::now() + settings.poll_interval > deadline)
            break;
        log_line(client, gioexport::log_level::info,
                 "the export is " + listing.status_text + "; polling again in " +
                     std::to_string(settings.poll_interval.count()) + " s");
        asio::steady_timer timer(co_await asio::this_coro::executor, settings.poll_interval);
        co_await timer.async_wait(asio::use_awaitable);
    }

    const exit_code code = not_ready() ? exit_code::not_ready : exit_code_for(listing.status);
    const boost::json::object document = listing_to_json(listing, settings.show_links, code);
    write_stdout(settings.json ? serialize_line(document) : serialize_indented(document));

    if (code != exit_code::success && !settings.json) {
        message_id status_message = message_id::status_unknown;
        switch (listing.status) {
        case gioexport::export_status::running:
            status_message = message_id::status_running;
            break;
        case gioexport::export_status::not_exists:
            status_message = not_ready() ? message_id::status_not_ready : message_id::status_not_exists;
            break;
        case gioexport::export_status::error:
            status_message = message_id::status_error;
            break;
        case gioexport::export_status::finished:
        case gioexport::export_status::unknown:
            break;
        }
        err->write_line("gioexport: " + format_message(lang, status_message, {listing.status_text}));
        if (!listing.error_msg.empty())
            err->write_line("gioexport: " +
                            format_message(lang, message_id::server_message, {listing.error_msg}));
    }
    co_return to_int(code);
}

asio::awaitable<int> run_download(gioexport::client client, cli_settings settings, language lang,
                                  stderr_writer* err, steady_clock::time_point start)
{
    gioexport::export_request request(*settings.type, *settings.date);
    request.expiry = settings.expiry;
    request.data_types = settings.data_types;
    request.out_dir = settings.out_dir;
    request.concurrency = settings.concurrency;
    request.wait = settings.wait;
    request.poll_interval = settings.poll_interval;
    request.download.require_md5 = settings.require_md5;
    request.download.sync_files = !settings.no_fsync;
    request.on_progress = [err](const gioexport::export_progress& progress) {
        err->update(progress);
    };

    const gioexport::export_result result = co_await client.download_export(std::move(request));
    err->finish();

    const double seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
    const exit_code code = exit_code_for_files(result);
    if (settings.json) {
        write_stdout(serialize_line(export_result_to_json(result, code, seconds)));
    } else {
        const std::string warnings = render_unverified(result, lang);
        if (!warnings.empty())
            err->write_line(warnings.substr(0, warnings.size() - 1));
        const std::string failures = render_failures(result, lang);
        if (!failures.empty())
            err->write_line(failures.substr(0, failures.size() - 1));
        if (!settings.quiet)
            write_stdout(render_summary(result, seconds, lang));
    }
    co_return to_int(code);
}

gioexport::log_sink make_logger(stderr_writer& err, const cli_settings& settings)
{
    gioexport::log_level threshold = gioexport::log_level::warning;
    if (settings.verbose)
        threshold = gioexport::log_level::debug;
    else if (settings.quiet)
        threshold = gioexport::log_level::error;

    return [&err, threshold](gioexport::log_level level, std::string_view line) {
        if (level < threshold)
            return;
        std::string text = "gioexport: ";
        text += gioexport::to_string(level);
        text += ": ";
        text += line;
        err.write_line(text);
    };
}

void print_warnings(const cli_settings& settings, language lang, stderr_writer& err)
{
    if (settings.quiet)
        return;
    if (!settings.client.tls.verify_peer)
        err.write_line("gioexport: " + format_message(lang, message_id::warning_insecure));

    std::string documented;
    for (const std::string_view name : gioexport::data_type::documented()) {
        if (!documented.empty())
            documented += ", ";
        documented += name;
    }
    for (const std::string& name : settings.undocumented_types)
        err.write_line("gioexport: " + format_message(lang, message_id::warning_undocumented_type,
                                                      {name, documented}));
}

unsigned io_thread_count()
{
    return std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
}

}  // namespace

void report_usage_error(const usage_error& error, bool json, language lang)
{
    const std::string message = render_usage_error(error, lang);
    if (json) {
        write_stdout(serialize_line(error_to_json(
            exit_code::usage, gioexport::errc_name(gioexport::errc::invalid_argument), message, 0)));
        return;
    }
    const std::string text =
        "gioexport: " + message + "\n" + std::string(message_text(lang, message_id::see_help)) + "\n";
    std::fputs(text.c_str(), stderr);
}

int run_command(const cli_settings& settings, language lang)
{
    const auto start = steady_clock::now();
    const bool show_progress = settings.cmd == command::download && !settings.quiet &&
                               !settings.json && ::isatty(STDERR_FILENO) == 1;
    stderr_writer err(stderr, lang, show_progress);
    print_warnings(settings, lang, err);

    gioexport::client_options options = settings.client;
    options.logger = make_logger(err, settings);

    const unsigned thread_count = io_thread_count();
    asio::io_context io(static_cast<int>(thread_count));

    std::optional<gioexport::client> client;
    try {
        client.emplace(io.get_executor(), std::move(options));
    } catch (...) {
        const failure reported = describe_failure(std::current_exception(), false, lang);
        report_failure(reported, settings.json, err);
        return to_int(reported.code);
    }

    // The operation, the signal handler and the completion handler all run
    // on one strand, because a cancellation_signal must not be emitted while
    // the operation it cancels runs on another thread.
    auto strand = asio::make_strand(io);
    asio::signal_set signals(strand, SIGINT, SIGTERM);
    asio::cancellation_signal cancel;
    bool finished = false;
    bool interrupted = false;

    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int) {
            if (ec || finished)
                return;
            if (interrupted)
                std::_Exit(to_int(exit_code::interrupted));
            interrupted = true;
            err.write_line("gioexport: " + format_message(lang, message_id::interrupted_notice));
            cancel.emit(asio::cancellation_type::terminal);
            signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);

    int result_code = to_int(exit_code::internal);
    std::exception_ptr exception;
    auto on_done = [&](std::exception_ptr e, int code) {
        finished = true;
        exception = e;
        result_code = code;
        signals.cancel();
    };

    auto operation = settings.cmd == command::links
                         ? run_links(*client, settings, lang, &err)
                         : run_download(*client, settings, lang, &err, start);
    asio::co_spawn(strand, std::move(operation),
                   asio::bind_cancellation_slot(cancel.slot(),
                                                asio::bind_executor(strand, std::move(on_done))));

    std::vector<std::thread> threads;
    for (unsigned i = 1; i < thread_count; ++i)
        threads.emplace_back([&io] { io.run(); });
    io.run();
    for (std::thread& thread : threads)
        thread.join();

    if (exception) {
        err.finish();
        const failure reported = describe_failure(exception, interrupted, lang);
        report_failure(reported, settings.json, err);
        return to_int(reported.code);
    }
    return result_code;
}

}  // namespace gioexport::cli
