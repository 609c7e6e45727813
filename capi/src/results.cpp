// Accessors of the result handles, the option _init functions of the
// downloads, and the version functions.
#include "internal.hpp"

#include <gioexport/version.hpp>

// The header's version must be the library's; meson.build sets both from
// the project version.
static_assert(GIOEXPORT_C_VERSION_MAJOR == GIOEXPORT_VERSION_MAJOR &&
                  GIOEXPORT_C_VERSION_MINOR == GIOEXPORT_VERSION_MINOR &&
                  GIOEXPORT_C_VERSION_PATCH == GIOEXPORT_VERSION_PATCH,
              "gioexport.h names another version than the project; update GIOEXPORT_C_VERSION_*");

namespace {

using gioexport::export_status;

const gioexport_export_file* file_at(const gioexport_export_result* result, std::size_t index)
{
    if (result == nullptr || index >= result->files.size())
        return nullptr;
    return &result->files[index];
}

const gioexport::file_outcome* outcome_at(const gioexport_export_result* result, std::size_t index)
{
    if (result == nullptr || index >= result->result.files.size())
        return nullptr;
    return &result->result.files[index];
}

const gioexport::type_links* type_at(const gioexport_links* links, std::size_t index)
{
    if (links == nullptr || index >= links->response.links.size())
        return nullptr;
    return &links->response.links[index];
}

}  // namespace

extern "C" {

// Version

const char* gioexport_version(void)
{
    return gioexport::version();
}

uint32_t gioexport_version_number(void)
{
    return GIOEXPORT_C_VERSION_NUMBER;
}

// Links

gioexport_export_status gioexport_links_status(const gioexport_links* links)
{
    if (links == nullptr)
        return GIOEXPORT_EXPORT_UNKNOWN;
    switch (links->response.status) {
    case export_status::finished: return GIOEXPORT_EXPORT_FINISHED;
    case export_status::running: return GIOEXPORT_EXPORT_RUNNING;
    case export_status::not_exists: return GIOEXPORT_EXPORT_NOT_EXISTS;
    case export_status::error: return GIOEXPORT_EXPORT_ERROR;
    case export_status::unknown: return GIOEXPORT_EXPORT_UNKNOWN;
    }
    return GIOEXPORT_EXPORT_UNKNOWN;
}

const char* gioexport_links_status_text(const gioexport_links* links)
{
    return links != nullptr ? links->response.status_text.c_str() : nullptr;
}

const char* gioexport_links_export_type(const gioexport_links* links)
{
    return links != nullptr ? links->response.export_type.c_str() : nullptr;
}

const char* gioexport_links_data_type(const gioexport_links* links)
{
    return links != nullptr ? links->response.data_type.c_str() : nullptr;
}

const char* gioexport_links_export_date(const gioexport_links* links)
{
    return links != nullptr ? links->response.export_date.c_str() : nullptr;
}

const char* gioexport_links_export_version(const gioexport_links* links)
{
    return links != nullptr ? links->response.export_version.c_str() : nullptr;
}

const char* gioexport_links_request_time(const gioexport_links* links)
{
    return links != nullptr ? links->response.request_time.c_str() : nullptr;
}

const char* gioexport_links_error_message(const gioexport_links* links)
{
    return links != nullptr ? links->response.error_msg.c_str() : nullptr;
}

size_t gioexport_links_total_count(const gioexport_links* links)
{
    return links != nullptr ? links->response.link_count() : 0;
}

size_t gioexport_links_type_count(const gioexport_links* links)
{
    return links != nullptr ? links->response.links.size() : 0;
}

const char* gioexport_links_type_name(const gioexport_links* links, size_t type_index)
{
    const auto* type = type_at(links, type_index);
    return type != nullptr ? type->type.name().c_str() : nullptr;
}

size_t gioexport_links_url_count(const gioexport_links* links, size_t type_index)
{
    const auto* type = type_at(links, type_index);
    return type != nullptr ? type->urls.size() : 0;
}

const char* gioexport_links_url(const gioexport_links* links, size_t type_index, size_t url_index)
{
    const auto* type = type_at(links, type_index);
    if (type == nullptr || url_index >= type->urls.size())
        return nullptr;
    return type->urls[url_index].c_str();
}

void gioexport_links_free(gioexport_links* links)
{
    delete links;
}

// One download

void gioexport_download_options_init(gioexport_download_options* options, size_t struct_size)
{
    const gioexport::download_options core;
    gioexport_download_options defaults{};
    defaults.require_md5 = core.require_md5 ? 1 : 0;
    defaults.buffer_size = core.buffer_size;
    defaults.no_fsync = core.sync_files ? 0 : 1;
    gioexport::capi::write_defaults(options, struct_size, defaults);
}

const char* gioexport_download_result_path(const gioexport_download_result* result)
{
    return result != nullptr ? result->path.c_str() : nullptr;
}

uint64_t gioexport_download_result_bytes(const gioexport_download_result* result)
{
    return result != nullptr ? result->file.bytes : 0;
}

const char* gioexport_download_result_md5(const gioexport_download_result* result)
{
    return result != nullptr ? result->file.md5.c_str() : nullptr;
}

int gioexport_download_result_verified(const gioexport_download_result* result)
{
    return result != nullptr && result->file.state == gioexport::verification::verified ? 1 : 0;
}

void gioexport_download_result_free(gioexport_download_result* result)
{
    delete result;
}

// A whole export

void gioexport_export_request_init(gioexport_export_request* request, size_t struct_size)
{
    // export_request has no default constructor, so the defaults of its
    // other members are read from one built for an arbitrary period.
    const gioexport::export_request core(gioexport::export_type::hour,
                                         gioexport::export_date::from_time_point({}));
    gioexport_export_request defaults{};
    defaults.expiry_minutes = core.expiry.minutes();
    defaults.concurrency = core.concurrency;
    defaults.wait_seconds = static_cast<uint32_t>(core.wait.count());
    defaults.poll_interval_seconds = static_cast<uint32_t>(core.poll_interval.count());
    defaults.require_md5 = core.download.require_md5 ? 1 : 0;
    defaults.buffer_size = core.download.buffer_size;
    defaults.no_fsync = core.download.sync_files ? 0 : 1;
    gioexport::capi::write_defaults(request, struct_size, defaults);
}

const char* gioexport_export_result_export_dir(const gioexport_export_result* result)
{
    return result != nullptr ? result->export_dir.c_str() : nullptr;
}

const char* gioexport_export_result_manifest_path(const gioexport_export_result* result)
{
    return result != nullptr ? result->manifest_path.c_str() : nullptr;
}

const gioexport_links* gioexport_export_result_listing(const gioexport_export_result* result)
{
    return result != nullptr ? &result->listing : nullptr;
}

size_t gioexport_export_result_file_count(const gioexport_export_result* result)
{
    return result != nullptr ? result->files.size() : 0;
}

size_t gioexport_export_result_failed_count(const gioexport_export_result* result)
{
    return result != nullptr ? result->result.failed_count() : 0;
}

const char* gioexport_export_result_file_data_type(const gioexport_export_result* result, size_t index)
{
    const auto* file = file_at(result, index);
    return file != nullptr ? file->data_type.c_str() : nullptr;
}

size_t gioexport_export_result_file_position(const gioexport_export_result* result, size_t index)
{
    const auto* outcome = outcome_at(result, index);
    return outcome != nullptr ? outcome->position : 0;
}

const char* gioexport_export_result_file_path(const gioexport_export_result* result, size_t index)
{
    const auto* file = file_at(result, index);
    return file != nullptr ? file->relative_path.c_str() : nullptr;
}

gioexport_status gioexport_export_result_file_status(const gioexport_export_result* result, size_t index)
{
    const auto* outcome = outcome_at(result, index);
    if (outcome == nullptr)
        return GIOEXPORT_E_INVALID_ARGUMENT;
    return static_cast<gioexport_status>(static_cast<int>(outcome->error));
}

const char* gioexport_export_result_file_error_message(const gioexport_export_result* result, size_t index)
{
    const auto* outcome = outcome_at(result, index);
    return outcome != nullptr ? outcome->error_message.c_str() : nullptr;
}

uint64_t gioexport_export_result_file_bytes(const gioexport_export_result* result, size_t index)
{
    const auto* outcome = outcome_at(result, index);
    return outcome != nullptr && outcome->result ? outcome->result->bytes : 0;
}

const char* gioexport_export_result_file_md5(const gioexport_export_result* result, size_t index)
{
    const auto* file = file_at(result, index);
    return file != nullptr ? file->md5.c_str() : nullptr;
}

int gioexport_export_result_file_verified(const gioexport_export_result* result, size_t index)
{
    const auto* outcome = outcome_at(result, index);
    return outcome != nullptr && outcome->result &&
                   outcome->result->state == gioexport::verification::verified
               ? 1
               : 0;
}

void gioexport_export_result_free(gioexport_export_result* result)
{
    delete result;
}

}  // extern "C"
