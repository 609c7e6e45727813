// The table from library error codes to exit codes.
#include "exit_codes.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace gioexport::cli;
using gioexport::errc;

namespace {

// Every enumerator of gioexport::errc. A code the library adds belongs here
// too, and every_errc_has_one_row then checks that the table maps it.
constexpr errc all_codes[] = {
    errc::ok,
    errc::invalid_argument,
    errc::invalid_url,
    errc::auth_failed,
    errc::api_error,
    errc::invalid_response,
    errc::response_too_large,
    errc::export_not_exists,
    errc::export_failed,
    errc::export_not_ready,
    errc::export_past_retention,
    errc::export_not_enabled,
    errc::rate_limited,
    errc::unknown_status,
    errc::connect_failed,
    errc::tls_failed,
    errc::timeout,
    errc::truncated,
    errc::http_error,
    errc::link_expired,
    errc::access_denied,
    errc::too_many_redirects,
    errc::server_busy,
    errc::proxy_auth_required,
    errc::checksum_mismatch,
    errc::md5_missing,
    errc::disk_full,
    errc::io_error,
    errc::cancelled,
    errc::internal,
    errc::would_deadlock,
};

gioexport::file_outcome outcome(errc code)
{
    gioexport::file_outcome file{gioexport::data_type::parse("visit"), 0, "visit/part-00000.csv.gz",
                                 {}, code, {}};
    if (code == errc::ok)
        file.result = gioexport::file_result{"/tmp/x", 10, "00", gioexport::verification::verified};
    else
        file.error_message = "failed";
    return file;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exit_codes)

BOOST_AUTO_TEST_CASE(every_errc_has_one_row)
{
    std::multiset<int> rows;
    for (const errc_exit_code& row : errc_exit_codes())
        rows.insert(static_cast<int>(row.code));
    for (const errc code : all_codes) {
        BOOST_TEST_CONTEXT("code " << gioexport::errc_name(code))
        {
            BOOST_TEST(rows.count(static_cast<int>(code)) == 1u);
        }
    }
    BOOST_TEST(rows.size() == std::size(all_codes));
}

BOOST_AUTO_TEST_CASE(errc_maps_to_documented_exit_code)
{
    struct row {
        errc code;
        exit_code expected;
    };
    const row rows[] = {
        {errc::ok, exit_code::success},
        {errc::invalid_argument, exit_code::usage},
        {errc::invalid_url, exit_code::usage},
        {errc::auth_failed, exit_code::api},
        {errc::api_error, exit_code::api},
        {errc::invalid_response, exit_code::api},
        {errc::response_too_large, exit_code::api},
        {errc::export_not_exists, exit_code::api},
        {errc::export_failed, exit_code::api},
        {errc::export_past_retention, exit_code::api},
        {errc::export_not_enabled, exit_code::api},
        {errc::unknown_status, exit_code::api},
        {errc::rate_limited, exit_code::api},
        {errc::connect_failed, exit_code::api},
        {errc::tls_failed, exit_code::api},
        {errc::server_busy, exit_code::api},
        {errc::export_not_ready, exit_code::not_ready},
        {errc::disk_full, exit_code::local_io},
        {errc::io_error, exit_code::local_io},
        {errc::cancelled, exit_code::interrupted},
        {errc::internal, exit_code::internal},
        {errc::would_deadlock, exit_code::internal},
    };
    for (const row& r : rows) {
        BOOST_TEST_CONTEXT("code " << gioexport::errc_name(r.code))
        {
            BOOST_TEST(to_int(exit_code_for(r.code)) == to_int(r.expected));
        }
    }
    BOOST_TEST(to_int(exit_code_for(static_cast<errc>(98))) == to_int(exit_code::internal));
}

BOOST_AUTO_TEST_CASE(exit_code_numbers_fixed)
{
    BOOST_TEST(to_int(exit_code::success) == 0);
    BOOST_TEST(to_int(exit_code::internal) == 1);
    BOOST_TEST(to_int(exit_code::usage) == 2);
    BOOST_TEST(to_int(exit_code::api) == 3);
    BOOST_TEST(to_int(exit_code::downloads_failed) == 4);
    BOOST_TEST(to_int(exit_code::not_ready) == 5);
    BOOST_TEST(to_int(exit_code::local_io) == 6);
    BOOST_TEST(to_int(exit_code::interrupted) == 130);
}

BOOST_AUTO_TEST_CASE(listing_status_maps_to_exit_code)
{
    using gioexport::export_status;
    BOOST_TEST(to_int(exit_code_for(export_status::finished)) == 0);
    BOOST_TEST(to_int(exit_code_for(export_status::running)) == 5);
    BOOST_TEST(to_int(exit_code_for(export_status::not_exists)) == 3);
    BOOST_TEST(to_int(exit_code_for(export_status::error)) == 3);
    BOOST_TEST(to_int(exit_code_for(export_status::unknown)) == 3);
}

BOOST_AUTO_TEST_CASE(file_failures_decide_download_exit_code)
{
    gioexport::export_result result;
    BOOST_TEST(to_int(exit_code_for_files(result)) == 0);

    result.files = {outcome(errc::ok), outcome(errc::ok)};
    BOOST_TEST(to_int(exit_code_for_files(result)) == 0);

    result.files = {outcome(errc::ok), outcome(errc::checksum_mismatch)};
    BOOST_TEST(to_int(exit_code_for_files(result)) == 4);

    result.files = {outcome(errc::link_expired), outcome(errc::md5_missing)};
    BOOST_TEST(to_int(exit_code_for_files(result)) == 4);

    result.files = {outcome(errc::checksum_mismatch), outcome(errc::disk_full), outcome(errc::ok)};
    BOOST_TEST(to_int(exit_code_for_files(result)) == 6);

    result.files = {outcome(errc::io_error)};
    BOOST_TEST(to_int(exit_code_for_files(result)) == 6);
}

BOOST_AUTO_TEST_CASE(descriptions_cover_every_exit_code)
{
    std::set<int> described;
    int previous = -1;
    for (const exit_code_description& row : exit_code_descriptions()) {
        BOOST_TEST(to_int(row.code) > previous);
        previous = to_int(row.code);
        described.insert(to_int(row.code));
    }
    BOOST_TEST((described == std::set<int>{0, 1, 2, 3, 4, 5, 6, 130}));
}

BOOST_AUTO_TEST_SUITE_END()
