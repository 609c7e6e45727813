// The token, listing and download entry points, blocking and _async.
#include "launch.hpp"

namespace gioexport::capi {
namespace {

// Converters from C++ results to C handles, run on the operation's strand.

char* to_token(std::string&& token)
{
    char* copy = new char[token.size() + 1];
    std::memcpy(copy, token.c_str(), token.size() + 1);
    return copy;
}

gioexport_links* to_links(links_response&& response)
{
    return new gioexport_links{std::move(response)};
}

gioexport_download_result* to_download_result(file_result&& file)
{
    auto result = std::make_unique<gioexport_download_result>();
    result->path = file.path.string();
    result->file = std::move(file);
    return result.release();
}

gioexport_export_result* to_export_result(export_result&& run)
{
    auto result = std::make_unique<gioexport_export_result>();
    result->export_dir = run.export_dir.string();
    result->manifest_path = run.manifest_path.string();
    result->files.reserve(run.files.size());
    for (const file_outcome& file : run.files)
        result->files.push_back({file.type.name(), file.relative_path.string(),
                                 file.result ? file.result->md5 : std::string()});
    result->listing.response = std::move(run.listing);
    result->result = std::move(run);
    return result.release();
}

// Argument parsing. Each throws errc::invalid_argument naming the value.

struct period {
    export_type type;
    export_date date;
    link_expiry expiry;
};

period parse_period(const char* type, const char* date, int expiry_minutes)
{
    require(type, "export_type");
    require(date, "export_date");
    return {export_type::parse(type), export_date::parse(date), link_expiry(expiry_minutes)};
}

data_type parse_data_type(const char* name)
{
    require(name, "data_type");
    return data_type::parse(name);
}

download_options to_download_options(const gioexport_download_options* given)
{
    const auto settings = read_options(given, &gioexport_download_options_init, "gioexport_download_options");
    download_options options;
    options.require_md5 = settings.require_md5 != 0;
    options.buffer_size = settings.buffer_size;
    options.sync_files = settings.no_fsync == 0;
    return options;
}

export_request to_export_request(const gioexport_export_request* given)
{
    require(given, "request");
    const auto settings = read_options(given, &gioexport_export_request_init, "gioexport_export_request");
    const period when = parse_period(settings.export_type, settings.export_date, settings.expiry_minutes);
    require(settings.out_dir, "out_dir");
    if (settings.data_type_count > 0)
        require(settings.data_types, "data_types (data_type_count is not 0)");

    export_request request(when.type, when.date);
    request.expiry = when.expiry;
    for (std::size_t i = 0; i < settings.data_type_count; ++i) {
        if (settings.data_types[i] == nullptr)
            throw_invalid("missing data_types[" + std::to_string(i) + "]: it must not be NULL");
        request.data_types.push_back(data_type::parse(settings.data_types[i]));
    }
    request.out_dir = settings.out_dir;
    request.concurrency = settings.concurrency;
    request.wait = std::chrono::seconds(settings.wait_seconds);
    request.poll_interval = std::chrono::seconds(settings.poll_interval_seconds);
    request.download.require_md5 = settings.require_md5 != 0;
    request.download.buffer_size = settings.buffer_size;
    request.download.sync_files = settings.no_fsync == 0;
    return request;
}

// Awaitable factories. Each copies what it needs, because the awaitable
// runs after the entry point has returned.

using token_maker = std::function<asio::awaitable<std::string>(operation_state&)>;
using links_maker = std::function<asio::awaitable<links_response>(operation_state&)>;
using download_maker = std::function<asio::awaitable<file_result>(operation_state&)>;
using export_maker = std::function<asio::awaitable<export_result>(operation_state&)>;

token_maker make_token_request()
{
    return [](operation_state& state) { return state.client.fetch_token(); };
}

links_maker make_links_request(const char* type, const char* date, int expiry_minutes)
{
    const period when = parse_period(type, date, expiry_minutes);
    return [when](operation_state& state) { return state.client.fetch_links(when.type, when.date, when.expiry); };
}

links_maker make_type_links_request(const char* type, const char* data, const char* date, int expiry_minutes)
{
    const period when = parse_period(type, date, expiry_minutes);
    const data_type one = parse_data_type(data);
    return [when, one](operation_state& state) {
        return state.client.fetch_links(when.type, one, when.date, when.expiry);
    };
}

download_maker make_download(const char* url, const char* path, const gioexport_download_options* given)
{
    require(url, "url");
    require(path, "path");
    download_options options = to_download_options(given);
    return [url = std::string(url), path = std::string(path), options](operation_state& state) mutable {
        options.on_progress = [self = state.shared_from_this(), path](std::uint64_t done, std::uint64_t total) {
            gioexport_progress progress{};
            progress.struct_size = sizeof progress;
            progress.path = path.c_str();
            progress.bytes_done = done;
            progress.bytes_total = total;
            self->report_progress(progress);
        };
        return state.client.download_link(url, path, std::move(options));
    };
}

export_maker make_export(const gioexport_export_request* given)
{
    export_request request = to_export_request(given);
    return [request = std::move(request)](operation_state& state) mutable {
        request.on_progress = [self = state.shared_from_this()](const export_progress& totals) {
            gioexport_progress progress{};
            progress.struct_size = sizeof progress;
            progress.bytes_done = totals.bytes_done;
            progress.files_total = totals.files_total;
            progress.files_done = totals.files_done;
            progress.files_failed = totals.files_failed;
            self->report_progress(progress);
        };
        return state.client.download_export(std::move(request));
    };
}

void free_token(char* token)
{
    gioexport_string_free(token);
}

}  // namespace
}  // namespace gioexport::capi

using namespace gioexport::capi;
using namespace gioexport;

extern "C" {

// Token

gioexport_status gioexport_client_fetch_token(gioexport_client* client, char** out_token,
                                              gioexport_error** out_error)
{
    return run_blocking<std::string, char>("gioexport_client_fetch_token", client, nullptr, nullptr,
                                           &make_token_request, &to_token, out_token, out_error);
}

gioexport_operation* gioexport_client_fetch_token_async(gioexport_client* client,
                                                        gioexport_token_complete_fn on_complete,
                                                        gioexport_release_fn on_release, void* user_data,
                                                        gioexport_error** out_error)
{
    return start_async<std::string, char>(client, nullptr, on_complete, on_release, user_data,
                                          &make_token_request, &to_token, &free_token, out_error);
}

// Links

gioexport_status gioexport_client_fetch_links(gioexport_client* client, const char* export_type,
                                              const char* export_date, int expiry_minutes,
                                              gioexport_links** out_links, gioexport_error** out_error)
{
    return run_blocking<links_response, gioexport_links>(
        "gioexport_client_fetch_links", client, nullptr, nullptr,
        [&] { return make_links_request(export_type, export_date, expiry_minutes); }, &to_links, out_links,
        out_error);
}

gioexport_status gioexport_client_fetch_type_links(gioexport_client* client, const char* export_type,
                                                   const char* data_type, const char* export_date,
                                                   int expiry_minutes, gioexport_links** out_links,
                                                   gioexport_error** out_error)
{
    return run_blocking<links_response, gioexport_links>(
        "gioexport_client_fetch_type_links", client, nullptr, nullptr,
        [&] { return make_type_links_request(export_type, data_type, export_date, expiry_minutes); },
        &to_links, out_links, out_error);
}

gioexport_operation* gioexport_client_fetch_links_async(gioexport_client* client, const char* export_type,
                                                        const char* export_date, int expiry_minutes,
                                                        gioexport_links_complete_fn on_complete,
                                                        gioexport_release_fn on_release, void* user_data,
                                                        gioexport_error** out_error)
{
    return start_async<links_response, gioexport_links>(
        client, nullptr, on_complete, on_release, user_data,
        [&] { return make_links_request(export_type, export_date, expiry_minutes); }, &to_links,
        &gioexport_links_free, out_error);
}

gioexport_operation* gioexport_client_fetch_type_links_async(
    gioexport_client* client, const char* export_type, const char* data_type, const char* export_date,
    int expiry_minutes, gioexport_links_complete_fn on_complete, gioexport_release_fn on_release,
    void* user_data, gioexport_error** out_error)
{
    return start_async<links_response, gioexport_links>(
        client, nullptr, on_complete, on_release, user_data,
        [&] { return make_type_links_request(export_type, data_type, export_date, expiry_minutes); },
        &to_links, &gioexport_links_free, out_error);
}

// One link

gioexport_status gioexport_client_download_link(gioexport_client* client, const char* url, const char* path,
                                                const gioexport_download_options* options,
                                                gioexport_progress_fn on_progress, void* user_data,
                                                gioexport_download_result** out_result,
                                                gioexport_error** out_error)
{
    return run_blocking<file_result, gioexport_download_result>(
        "gioexport_client_download_link", client, on_progress, user_data,
        [&] { return make_download(url, path, options); }, &to_download_result, out_result, out_error);
}

gioexport_operation* gioexport_client_download_link_async(gioexport_client* client, const char* url,
                                                          const char* path,
                                                          const gioexport_download_options* options,
                                                          gioexport_progress_fn on_progress,
                                                          gioexport_download_complete_fn on_complete,
                                                          gioexport_release_fn on_release, void* user_data,
                                                          gioexport_error** out_error)
{
    return start_async<file_result, gioexport_download_result>(
        client, on_progress, on_complete, on_release, user_data,
        [&] { return make_download(url, path, options); }, &to_download_result,
        &gioexport_download_result_free, out_error);
}

// A whole export

gioexport_status gioexport_client_download_export(gioexport_client* client,
                                                  const gioexport_export_request* request,
                                                  gioexport_progress_fn on_progress, void* user_data,
                                                  gioexport_export_result** out_result,
                                                  gioexport_error** out_error)
{
    return run_blocking<export_result, gioexport_export_result>(
        "gioexport_client_download_export", client, on_progress, user_data,
        [&] { return make_export(request); }, &to_export_result, out_result, out_error);
}

gioexport_operation* gioexport_client_download_export_async(gioexport_client* client,
                                                            const gioexport_export_request* request,
                                                            gioexport_progress_fn on_progress,
                                                            gioexport_export_complete_fn on_complete,
                                                            gioexport_release_fn on_release, void* user_data,
                                                            gioexport_error** out_error)
{
    return start_async<export_result, gioexport_export_result>(
        client, on_progress, on_complete, on_release, user_data, [&] { return make_export(request); },
        &to_export_result, &gioexport_export_result_free, out_error);
}

}  // extern "C"
