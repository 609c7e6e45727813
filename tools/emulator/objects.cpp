#include "objects.hpp"

#include "crypto.hpp"
#include "emulator.hpp"
#include "log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>

namespace emulator {

namespace asio = boost::asio;

namespace {

constexpr std::string_view objects_prefix = "/objects/";
// truncated_gzip serves the file without this many trailing bytes.
constexpr std::uint64_t truncated_gzip_bytes = 100;

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0; // inclusive
};

struct RangeRequest {
    bool satisfiable = true;
    std::optional<ByteRange> range; // nothing: serve the whole file
};

std::optional<std::uint64_t> parse_decimal(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Interprets a Range header as RFC 9110 section 14 describes it for a single
// range. A malformed header or a multi-range request is ignored, so the whole
// file is served with 200, as S3 does for ranges it does not support.
RangeRequest parse_range(std::string_view header, std::uint64_t size)
{
    if (header.size() < 6 || header.substr(0, 6) != "bytes=" || header.find(',') != std::string_view::npos) {
        return {};
    }
    const std::string_view spec = header.substr(6);
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) {
        return {};
    }
    const std::string_view first_text = spec.substr(0, dash);
    const std::string_view last_text = spec.substr(dash + 1);
    if (first_text.empty()) {
        const auto suffix = parse_decimal(last_text);
        if (!suffix) {
            return {};
        }
        if (*suffix == 0 || size == 0) {
            return {false, std::nullopt};
        }
        const std::uint64_t length = std::min(*suffix, size);
        return {true, ByteRange{size - length, size - 1}};
    }
    const auto first = parse_decimal(first_text);
    const auto last = last_text.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : parse_decimal(last_text);
    if (!first || !last || *last < *first) {
        return {};
    }
    if (*first >= size) {
        return {false, std::nullopt};
    }
    return {true, ByteRange{*first, std::min(*last, size - 1)}};
}

std::string object_id_of(const Request& request)
{
    return request.path.substr(objects_prefix.size());
}

asio::awaitable<std::shared_ptr<const ChunkFile>> generate_chunk(ChunkStore& store, ChunkKey key)
{
    co_return store.ensure(key);
}

} // namespace

std::optional<Reply> reject_second_auth_mechanism(const Request& request)
{
    if (!request.header("Authorization")) {
        return std::nullopt;
    }
    return xml_error(400, "InvalidArgument",
                     "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
                     "query string parameter or the Authorization header should be specified",
                     {{"ArgumentName", "Authorization"}});
}

FaultMatch object_fault_match(const Emulator& emulator, const Request& request)
{
    FaultMatch match{FaultTarget::objects, std::nullopt, std::nullopt};
    if (const ObjectRef* object = emulator.catalogue.find_object(object_id_of(request))) {
        match.data_type = object->listed_type;
        match.position = object->position;
    }
    return match;
}

asio::awaitable<Reply> handle_object_request(Emulator& emulator, const Request& request)
{
    if (request.method != "GET" && request.method != "HEAD") {
        Reply reply = xml_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        reply.set("Allow", "GET, HEAD");
        co_return reply;
    }

    const std::string id = object_id_of(request);
    const auto expires = request.query_parameter("X-Gio-Expires");
    const auto signature = request.query_parameter("X-Gio-Signature");
    if (!expires || !signature
        || !emulator.catalogue.check_link_signature(request.path, *expires, *signature)) {
        co_return xml_error(403, "SignatureDoesNotMatch",
                            "The request signature we calculated does not match the signature you provided. "
                            "Check your key and signing method.");
    }
    const std::int64_t now_ms = emulator.clock.now_ms();
    const std::int64_t expires_seconds = std::stoll(*expires);
    if (now_ms > expires_seconds * 1000) {
        co_return xml_error(403, "AccessDenied", "Request has expired",
                            {{"Expires", format_iso8601_utc(expires_seconds)},
                             {"ServerTime", format_iso8601_utc(now_ms / 1000)}});
    }
    const ObjectRef* object = emulator.catalogue.find_object(id);
    if (object == nullptr) {
        co_return xml_error(404, "NoSuchKey", "The specified key does not exist.", {{"Key", id}});
    }
    const FaultMatch match{FaultTarget::objects, object->listed_type, object->position};

    auto file = emulator.chunks.find_ready(object->chunk);
    if (!file) {
        try {
            file = co_await asio::co_spawn(emulator.generation_pool.get_executor(),
                                           generate_chunk(emulator.chunks, object->chunk), asio::use_awaitable);
        } catch (const std::exception& error) {
            log_line("error: generating chunk " + object->chunk.data_type + " hour "
                     + std::to_string(object->chunk.hour_start_seconds) + " index "
                     + std::to_string(object->chunk.index) + " failed: " + error.what());
            co_return xml_error(500, "InternalError", "We encountered an internal error. Please try again.");
        }
    }

    Reply reply;
    std::uint64_t size = file->size;
    if (emulator.faults.take({FaultKind::truncated_gzip}, match)) {
        size -= std::min(size, truncated_gzip_bytes);
        reply.faults_applied.emplace_back("truncated_gzip");
    }

    const std::string md5_raw_bytes = md5_raw(hex_to_bytes(file->md5_hex));
    // Like a multipart upload's ETag: MD5 of the part MD5s plus "-<parts>", so
    // a client that treats the ETag as the file's MD5 gets it wrong.
    reply.set("Content-Type", "application/octet-stream");
    reply.set("ETag", "\"" + to_hex(reinterpret_cast<const unsigned char*>(md5_raw_bytes.data()), md5_raw_bytes.size())
                          + "-1\"");
    reply.set("Last-Modified", format_http_date(file->last_modified_seconds));
    reply.set("Accept-Ranges", "bytes");
    reply.set("x-amz-request-id", random_hex(8));
    if (const auto fault = emulator.faults.take({FaultKind::wrong_md5, FaultKind::no_md5, FaultKind::upper_md5},
                                                match)) {
        reply.faults_applied.emplace_back(fault_kind_name(fault->kind));
        if (fault->kind == FaultKind::wrong_md5) {
            reply.set("x-amz-meta-md5-hash", hmac_sha256_hex("wrong", file->md5_hex).substr(0, 32));
        } else if (fault->kind == FaultKind::upper_md5) {
            std::string upper = file->md5_hex;
            std::ranges::transform(upper, upper.begin(), [](char c) { return c >= 'a' && c <= 'f' ? c - 32 : c; });
            reply.set("X-Amz-Meta-Md5-Hash", upper);
        }
    } else {
        reply.set("x-amz-meta-md5-hash", file->md5_hex);
    }

    reply.head_only = request.method == "HEAD";
    reply.file = FileBody{file->path, 0, size};
    const auto range_header = request.header("Range");
    if (range_header && emulator.faults.take({FaultKind::ignore_range}, match)) {
        reply.faults_applied.emplace_back("ignore_range");
    } else if (range_header) {
        const RangeRequest range = parse_range(*range_header, size);
        if (!range.satisfiable) {
            Reply not_satisfiable = xml_error(416, "InvalidRange", "The requested range is not satisfiable",
                                      {{"RangeRequested", std::string(*range_header)},
                                       {"ActualObjectSize", std::to_string(size)}});
            not_satisfiable.set("Content-Range", "bytes */" + std::to_string(size));
            not_satisfiable.faults_applied = reply.faults_applied;
            co_return not_satisfiable;
        }
        if (range.range) {
            reply.status = 206;
            reply.set("Content-Range", "bytes " + std::to_string(range.range->first) + "-"
                                           + std::to_string(range.range->last) + "/" + std::to_string(size));
            reply.file->offset = range.range->first;
            reply.file->length = range.range->last - range.range->first + 1;
        }
    }
    co_return reply;
}

} // namespace emulator
