// Parsing of options and GIOEXPORT_* variables into settings or usage errors.
#include "arguments.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace gioexport::cli;

namespace {

environment credentials_env()
{
    return {
        {"GIOEXPORT_CLIENT_ID", "3c9f0e7d1a2b4c5d"},
        {"GIOEXPORT_SECRET", "gio-demo-secret-2f1c9a7e4b"},
        {"GIOEXPORT_PROJECT", "wq7xk3ab"},
        {"GIOEXPORT_AI", "9f2e4d6c8b0a13579bdf2468ace01357"},
    };
}

// A download command that passes on its own with credentials_env().
std::vector<std::string> download_args(std::vector<std::string> extra = {})
{
    std::vector<std::string> args = {"download", "--export-type", "hour", "--date",
                                     "202612040030"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

const cli_settings& settings_of(const parse_result& result)
{
    if (const auto* error = std::get_if<usage_error>(&result))
        BOOST_FAIL("unexpected usage error: " << render_usage_error(*error, language::english));
    return std::get<cli_settings>(result);
}

usage_error error_of(const parse_result& result)
{
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<usage_error>(result),
                          "the arguments were accepted, a usage error was expected");
    return std::get<usage_error>(result);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(arguments)

BOOST_AUTO_TEST_CASE(defaults_apply_without_options)
{
    const parse_result result = parse_arguments(download_args(), credentials_env());
    const cli_settings& s = settings_of(result);
    BOOST_TEST((s.cmd == command::download));
    BOOST_TEST(s.client.base_url == "https://www.growingio.com");
    BOOST_TEST(s.concurrency == 8u);
    BOOST_TEST(s.out_dir.string() == "./gioexport-data");
    BOOST_TEST(s.wait.count() == 0);
    BOOST_TEST(s.poll_interval.count() == 30);
    BOOST_TEST(s.expiry.minutes() == 5);
    BOOST_TEST(s.data_types.empty());
    BOOST_TEST(s.client.tls.verify_peer);
    BOOST_TEST(s.client.tls.ca_file.empty());
    BOOST_TEST(!s.require_md5);
    BOOST_TEST(!s.no_fsync);
    BOOST_TEST(!s.json);
    BOOST_TEST(!s.quiet);
    BOOST_TEST(!s.verbose);
    BOOST_TEST(s.type->name() == "hour");
    BOOST_TEST(s.date->digits() == "202612040030");
    BOOST_TEST(s.client.creds.client_id == "3c9f0e7d1a2b4c5d");
    BOOST_TEST(s.client.creds.secret == "gio-demo-secret-2f1c9a7e4b");
    BOOST_TEST(s.client.creds.project == "wq7xk3ab");
    BOOST_TEST(s.client.creds.ai == "9f2e4d6c8b0a13579bdf2468ace01357");
}

BOOST_AUTO_TEST_CASE(flag_overrides_environment)
{
    environment env = credentials_env();
    env.set("GIOEXPORT_CONCURRENCY", "8");
    env.set("GIOEXPORT_BASE_URL", "http://127.0.0.1:1");
    env.set("GIOEXPORT_SECRET", "from-environment");
    env.set("GIOEXPORT_JSON", "yes");

    const parse_result from_env = parse_arguments(download_args(), env);
    BOOST_TEST(settings_of(from_env).concurrency == 8u);
    BOOST_TEST(settings_of(from_env).client.base_url == "http://127.0.0.1:1");
    BOOST_TEST(settings_of(from_env).client.creds.secret == "from-environment");
    BOOST_TEST(settings_of(from_env).json);

    const parse_result from_flags = parse_arguments(
        download_args({"--concurrency", "16", "--base-url", "http://127.0.0.1:2", "--secret",
                       "from-flag", "--json=no"}),
        env);
    BOOST_TEST(settings_of(from_flags).concurrency == 16u);
    BOOST_TEST(settings_of(from_flags).client.base_url == "http://127.0.0.1:2");
    BOOST_TEST(settings_of(from_flags).client.creds.secret == "from-flag");
    BOOST_TEST(!settings_of(from_flags).json);
}

BOOST_AUTO_TEST_CASE(flag_overrides_invalid_variable)
{
    environment env = credentials_env();
    env.set("GIOEXPORT_CONCURRENCY", "many");
    const parse_result result = parse_arguments(download_args({"--concurrency", "2"}), env);
    BOOST_TEST(settings_of(result).concurrency == 2u);
}

BOOST_AUTO_TEST_CASE(environment_sets_every_option)
{
    const auto ca_file = std::filesystem::temp_directory_path() / "gioexport-cli-test-ca.pem";
    std::ofstream(ca_file) << "not checked by the parser\n";

    environment env = credentials_env();
    env.set("GIOEXPORT_EXPORT_TYPE", "day");
    env.set("GIOEXPORT_DATE", "2026-12-03T16:30:00Z");
    env.set("GIOEXPORT_DATA_TYPES", "visit,page");
    env.set("GIOEXPORT_EXPIRE", "60");
    env.set("GIOEXPORT_OUT", "/tmp/exports");
    env.set("GIOEXPORT_CONCURRENCY", "12");
    env.set("GIOEXPORT_WAIT", "1h30m");
    env.set("GIOEXPORT_POLL_INTERVAL", "45s");
    env.set("GIOEXPORT_CA_FILE", ca_file.string());
    env.set("GIOEXPORT_INSECURE", "true");
    env.set("GIOEXPORT_REQUIRE_MD5", "1");
    env.set("GIOEXPORT_NO_FSYNC", "yes");
    env.set("GIOEXPORT_QUIET", "YES");
    env.set("GIOEXPORT_TOKEN", "u8jzPde0IgxLd6GncfBAepfJ");

    const parse_result result = parse_arguments({"download"}, env);
    const cli_settings& s = settings_of(result);
    BOOST_TEST(s.type->name() == "day");
    BOOST_TEST(s.date->digits() == "202612040030");
    BOOST_REQUIRE(s.data_types.size() == 2u);
    BOOST_TEST(s.data_types[0].name() == "visit");
    BOOST_TEST(s.data_types[1].name() == "page");
    BOOST_TEST(s.expiry.minutes() == 60);
    BOOST_TEST(s.out_dir.string() == "/tmp/exports");
    BOOST_TEST(s.concurrency == 12u);
    BOOST_TEST(s.wait.count() == 5400);
    BOOST_TEST(s.poll_interval.count() == 45);
    BOOST_TEST(s.client.tls.ca_file == ca_file.string());
    BOOST_TEST(!s.client.tls.verify_peer);
    BOOST_TEST(s.require_md5);
    BOOST_TEST(s.no_fsync);
    BOOST_TEST(s.quiet);
    BOOST_TEST(s.client.creds.token == "u8jzPde0IgxLd6GncfBAepfJ");

    std::filesystem::remove(ca_file);
}

BOOST_AUTO_TEST_CASE(empty_variable_counts_as_unset)
{
    environment env = credentials_env();
    env.set("GIOEXPORT_CONCURRENCY", "");
    const parse_result result = parse_arguments(download_args(), env);
    BOOST_TEST(settings_of(result).concurrency == 8u);
}

BOOST_AUTO_TEST_CASE(switches_accept_boolean_words)
{
    for (const char* word : {"1", "true", "yes", "TRUE", "Yes"}) {
        BOOST_TEST_CONTEXT("value " << word)
        {
            environment env = credentials_env();
            env.set("GIOEXPORT_REQUIRE_MD5", word);
            BOOST_TEST(settings_of(parse_arguments(download_args(), env)).require_md5);
            BOOST_TEST(settings_of(parse_arguments(
                                       download_args({std::string("--require-md5=") + word}),
                                       credentials_env()))
                           .require_md5);
        }
    }
    for (const char* word : {"0", "false", "no", "NO"}) {
        BOOST_TEST_CONTEXT("value " << word)
        {
            environment env = credentials_env();
            env.set("GIOEXPORT_REQUIRE_MD5", word);
            BOOST_TEST(!settings_of(parse_arguments(download_args(), env)).require_md5);
        }
    }
    BOOST_TEST(settings_of(parse_arguments(download_args({"--require-md5"}), credentials_env()))
                   .require_md5);
    BOOST_TEST(settings_of(parse_arguments(download_args({"--no-fsync"}), credentials_env())).no_fsync);
}

BOOST_AUTO_TEST_CASE(equals_form_and_last_value_win)
{
    const parse_result result = parse_arguments(
        download_args({"--concurrency=3", "--out=/tmp/a", "--out", "/tmp/b"}), credentials_env());
    BOOST_TEST(settings_of(result).concurrency == 3u);
    BOOST_TEST(settings_of(result).out_dir.string() == "/tmp/b");
}

BOOST_AUTO_TEST_CASE(options_may_precede_command)
{
    const parse_result result = parse_arguments(
        {"--export-type", "day", "--date", "20261204", "links", "--show-links"}, credentials_env());
    BOOST_TEST((settings_of(result).cmd == command::links));
    BOOST_TEST(settings_of(result).show_links);
}

BOOST_AUTO_TEST_CASE(invalid_values_name_option_and_value)
{
    struct row {
        std::vector<std::string> extra;
        std::string subject;
        std::string value;
        message_id expected;
    };
    const std::vector<row> rows = {
        {{"--concurrency", "0"}, "--concurrency", "0", message_id::form_concurrency},
        {{"--concurrency", "65"}, "--concurrency", "65", message_id::form_concurrency},
        {{"--concurrency", "abc"}, "--concurrency", "abc", message_id::form_concurrency},
        {{"--concurrency", "-1"}, "--concurrency", "-1", message_id::form_concurrency},
        {{"--expire", "0"}, "--expire", "0", message_id::form_expire},
        {{"--expire", "10081"}, "--expire", "10081", message_id::form_expire},
        {{"--expire", "5m"}, "--expire", "5m", message_id::form_expire},
        {{"--date", "20261340"}, "--date", "20261340", message_id::form_date},
        {{"--date", "2026-12-04T00:30"}, "--date", "2026-12-04T00:30", message_id::form_date},
        {{"--date", "2026-12-04"}, "--date", "2026-12-04", message_id::form_date},
        {{"--date", "tomorrow"}, "--date", "tomorrow", message_id::form_date},
        {{"--date", "2099010100"}, "--date", "2099010100", message_id::form_date},
        {{"--export-type", "week"}, "--export-type", "week", message_id::form_export_type},
        {{"--data-types", "Visit"}, "--data-types", "Visit", message_id::form_data_types},
        {{"--data-types", "visit,,page"}, "--data-types", "visit,,page",
         message_id::form_data_types},
        {{"--data-types", "visit,page-view"}, "--data-types", "page-view",
         message_id::form_data_types},
        {{"--wait", "1.5h"}, "--wait", "1.5h", message_id::form_wait},
        {{"--wait", "16d"}, "--wait", "16d", message_id::form_wait},
        {{"--wait", "1296001"}, "--wait", "1296001", message_id::form_wait},
        {{"--poll-interval", "0"}, "--poll-interval", "0", message_id::form_poll_interval},
        {{"--poll-interval", "soon"}, "--poll-interval", "soon", message_id::form_poll_interval},
        {{"--base-url", "ftp://127.0.0.1"}, "--base-url", "ftp://127.0.0.1", message_id::form_url},
        {{"--base-url", "http://"}, "--base-url", "http://", message_id::form_url},
        {{"--base-url", "127.0.0.1:8080"}, "--base-url", "127.0.0.1:8080", message_id::form_url},
        {{"--out", ""}, "--out", "", message_id::form_non_empty},
        {{"--client-id", ""}, "--client-id", "", message_id::form_non_empty},
        {{"--ca-file", "/nonexistent/ca.pem"}, "--ca-file", "/nonexistent/ca.pem",
         message_id::form_ca_file},
        {{"--ca-file", "/"}, "--ca-file", "/", message_id::form_ca_file},
        {{"--insecure=maybe"}, "--insecure", "maybe", message_id::form_boolean},
        {{"--json=2"}, "--json", "2", message_id::form_boolean},
    };

    for (const row& r : rows) {
        BOOST_TEST_CONTEXT("arguments " << r.extra.front())
        {
            const parse_result result = parse_arguments(download_args(r.extra), credentials_env());
            const usage_error error = error_of(result);
            BOOST_TEST((error.id == message_id::invalid_value));
            BOOST_TEST(error.subject == r.subject);
            BOOST_TEST(error.value == r.value);
            BOOST_TEST((error.expected == r.expected));

            for (const language lang : {language::english, language::chinese}) {
                const std::string text = render_usage_error(error, lang);
                BOOST_TEST(text.find(r.subject) != std::string::npos, text);
                BOOST_TEST(text.find("\"" + r.value + "\"") != std::string::npos, text);
                BOOST_TEST(text.find(std::string(message_text(lang, r.expected))) !=
                               std::string::npos,
                           text);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_variable_names_variable)
{
    environment env = credentials_env();
    env.set("GIOEXPORT_EXPIRE", "0");
    const usage_error error = error_of(parse_arguments(download_args(), env));
    BOOST_TEST((error.id == message_id::invalid_value));
    BOOST_TEST(error.subject == "GIOEXPORT_EXPIRE");
    BOOST_TEST(error.value == "0");
    BOOST_TEST(!error.detail.empty());
    BOOST_TEST(render_usage_error(error, language::english).find("GIOEXPORT_EXPIRE") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(library_message_follows_sentence)
{
    const usage_error error =
        error_of(parse_arguments(download_args({"--export-type", "week"}), credentials_env()));
    BOOST_TEST(!error.detail.empty());
    const std::string text = render_usage_error(error, language::chinese);
    const std::size_t sentence_end = text.find('\n');
    BOOST_REQUIRE(sentence_end != std::string::npos);
    BOOST_TEST(text.substr(sentence_end + 3) == error.detail);
}

BOOST_AUTO_TEST_CASE(variable_for_other_command_ignored)
{
    const std::vector<std::string> links_args = {"links", "--export-type", "hour", "--date",
                                                 "2026120400"};

    environment download_only = credentials_env();
    download_only.set("GIOEXPORT_CONCURRENCY", "0");
    BOOST_TEST(std::holds_alternative<cli_settings>(parse_arguments(links_args, download_only)));
    BOOST_TEST(error_of(parse_arguments(download_args(), download_only)).subject ==
               "GIOEXPORT_CONCURRENCY");

    environment links_only = credentials_env();
    links_only.set("GIOEXPORT_SHOW_LINKS", "maybe");
    BOOST_TEST(std::holds_alternative<cli_settings>(parse_arguments(download_args(), links_only)));
    BOOST_TEST(error_of(parse_arguments(links_args, links_only)).subject ==
               "GIOEXPORT_SHOW_LINKS");
}

BOOST_AUTO_TEST_CASE(option_for_other_command_rejected)
{
    const usage_error out_on_links = error_of(parse_arguments(
        {"links", "--export-type", "hour", "--date", "2026120400", "--out", "/tmp/x"},
        credentials_env()));
    BOOST_TEST((out_on_links.id == message_id::option_not_for_command));
    BOOST_TEST(out_on_links.subject == "--out");
    BOOST_TEST(out_on_links.other == "links");

    const usage_error show_links_on_download =
        error_of(parse_arguments(download_args({"--show-links"}), credentials_env()));
    BOOST_TEST((show_links_on_download.id == message_id::option_not_for_command));
    BOOST_TEST(show_links_on_download.subject == "--show-links");
    BOOST_TEST(show_links_on_download.other == "download");
}

BOOST_AUTO_TEST_CASE(missing_credentials_name_setting)
{
    struct row {
        const char* unset;
        message_id id;
        const char* subject;
        const char* variable;
    };
    const row rows[] = {
        {"GIOEXPORT_CLIENT_ID", message_id::missing_setting, "--client-id", "GIOEXPORT_CLIENT_ID"},
        {"GIOEXPORT_AI", message_id::missing_setting, "--ai", "GIOEXPORT_AI"},
        {"GIOEXPORT_SECRET", message_id::missing_secret_or_token, "", ""},
        {"GIOEXPORT_PROJECT", message_id::missing_setting, "--project", "GIOEXPORT_PROJECT"},
    };
    for (const row& r : rows) {
        BOOST_TEST_CONTEXT("without " << r.unset)
        {
            environment env = credentials_env();
            env.set(r.unset, "");
            const usage_error error = error_of(parse_arguments(download_args(), env));
            BOOST_TEST((error.id == r.id));
            BOOST_TEST(error.subject == r.subject);
            BOOST_TEST(error.other == r.variable);
            for (const language lang : {language::english, language::chinese}) {
                const std::string text = render_usage_error(error, lang);
                const std::string expected_name =
                    *r.subject != '\0' ? std::string(r.variable) : std::string("GIOEXPORT_SECRET");
                BOOST_TEST(text.find(expected_name) != std::string::npos, text);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(token_replaces_secret_and_project)
{
    environment env = credentials_env();
    env.set("GIOEXPORT_SECRET", "");
    env.set("GIOEXPORT_PROJECT", "");
    env.set("GIOEXPORT_TOKEN", "u8jzPde0IgxLd6GncfBAepfJ");
    const parse_result result = parse_arguments(download_args(), env);
    BOOST_TEST(settings_of(result).client.creds.token == "u8jzPde0IgxLd6GncfBAepfJ");
    BOOST_TEST(settings_of(result).client.creds.secret.empty());
}

BOOST_AUTO_TEST_CASE(unsafe_credentials_rejected_by_library)
{
    const usage_error error =
        error_of(parse_arguments(download_args({"--project", "wq7&ai=x"}), credentials_env()));
    BOOST_TEST((error.id == message_id::invalid_credentials));
    BOOST_TEST(!error.detail.empty());
    BOOST_TEST(render_usage_error(error, language::english).find(error.detail) !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_period_names_option)
{
    const usage_error no_type =
        error_of(parse_arguments({"download", "--date", "20261204"}, credentials_env()));
    BOOST_TEST((no_type.id == message_id::missing_setting));
    BOOST_TEST(no_type.subject == "--export-type");
    BOOST_TEST(no_type.other == "GIOEXPORT_EXPORT_TYPE");

    const usage_error no_date =
        error_of(parse_arguments({"download", "--export-type", "day"}, credentials_env()));
    BOOST_TEST((no_date.id == message_id::missing_setting));
    BOOST_TEST(no_date.subject == "--date");
}

BOOST_AUTO_TEST_CASE(malformed_command_lines_rejected)
{
    const usage_error unknown = error_of(parse_arguments(download_args({"--bogus"}), {}));
    BOOST_TEST((unknown.id == message_id::unknown_option));
    BOOST_TEST(unknown.subject == "--bogus");

    const usage_error unknown_with_value =
        error_of(parse_arguments(download_args({"--bogus=1"}), {}));
    BOOST_TEST(unknown_with_value.subject == "--bogus");

    const usage_error short_option = error_of(parse_arguments(download_args({"-x"}), {}));
    BOOST_TEST((short_option.id == message_id::unknown_option));
    BOOST_TEST(short_option.subject == "-x");

    const usage_error no_value = error_of(parse_arguments({"download", "--date"}, {}));
    BOOST_TEST((no_value.id == message_id::missing_value));
    BOOST_TEST(no_value.subject == "--date");

    const usage_error option_as_value =
        error_of(parse_arguments({"download", "--secret", "--json"}, {}));
    BOOST_TEST((option_as_value.id == message_id::missing_value));
    BOOST_TEST(option_as_value.subject == "--secret");

    const usage_error no_command = error_of(parse_arguments({"--json"}, {}));
    BOOST_TEST((no_command.id == message_id::missing_command));

    const usage_error bad_command = error_of(parse_arguments({"fetch"}, {}));
    BOOST_TEST((bad_command.id == message_id::unknown_command));
    BOOST_TEST(bad_command.value == "fetch");
    BOOST_TEST(render_usage_error(bad_command, language::english).find("\"fetch\"") !=
               std::string::npos);

    const usage_error extra = error_of(parse_arguments({"links", "download"}, {}));
    BOOST_TEST((extra.id == message_id::unexpected_argument));
    BOOST_TEST(extra.value == "download");
}

BOOST_AUTO_TEST_CASE(help_and_version_win)
{
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"--help"},
                                               {"-h"},
                                               {"help"},
                                               {"help", "download"},
                                               {"links", "--bogus", "--help"},
                                               {"download", "-h"}}) {
        BOOST_TEST_CONTEXT("arguments " << args.front() << " ... " << args.back())
        {
            BOOST_TEST((settings_of(parse_arguments(args, {})).cmd == command::help));
        }
    }
    BOOST_TEST((settings_of(parse_arguments({"--version"}, {})).cmd == command::version));
}

BOOST_AUTO_TEST_CASE(quiet_and_verbose_conflict)
{
    const usage_error error =
        error_of(parse_arguments(download_args({"--quiet", "--verbose"}), credentials_env()));
    BOOST_TEST((error.id == message_id::conflicting_options));
    BOOST_TEST(error.subject == "--quiet");
    BOOST_TEST(error.other == "--verbose");
}

BOOST_AUTO_TEST_CASE(data_types_trimmed_and_deduplicated)
{
    const parse_result result = parse_arguments(
        download_args({"--data-types", " visit, page ,visit,vstr"}), credentials_env());
    const cli_settings& s = settings_of(result);
    BOOST_REQUIRE(s.data_types.size() == 3u);
    BOOST_TEST(s.data_types[0].name() == "visit");
    BOOST_TEST(s.data_types[1].name() == "page");
    BOOST_TEST(s.data_types[2].name() == "vstr");
    BOOST_TEST(s.undocumented_types.empty());

    const parse_result empty =
        parse_arguments(download_args({"--data-types", ""}), credentials_env());
    BOOST_TEST(settings_of(empty).data_types.empty());

    const parse_result unknown =
        parse_arguments(download_args({"--data-types", "visits"}), credentials_env());
    BOOST_REQUIRE(settings_of(unknown).undocumented_types.size() == 1u);
    BOOST_TEST(settings_of(unknown).undocumented_types[0] == "visits");
    BOOST_TEST(settings_of(unknown).data_types.size() == 1u);
}

BOOST_AUTO_TEST_CASE(json_request_detected_early)
{
    BOOST_TEST(json_requested({"download", "--json", "--bogus"}, {}));
    BOOST_TEST(!json_requested({"download", "--json=false"}, {}));
    BOOST_TEST(!json_requested({"download"}, {}));
    BOOST_TEST(json_requested({"download"}, {{"GIOEXPORT_JSON", "1"}}));
    BOOST_TEST(!json_requested({"download", "--json=0"}, {{"GIOEXPORT_JSON", "1"}}));
}

BOOST_AUTO_TEST_CASE(variable_names_follow_options)
{
    BOOST_TEST(environment_variable_for("--base-url") == "GIOEXPORT_BASE_URL");
    BOOST_TEST(environment_variable_for("--poll-interval") == "GIOEXPORT_POLL_INTERVAL");
    BOOST_TEST(environment_variable_for("--require-md5") == "GIOEXPORT_REQUIRE_MD5");
}

BOOST_AUTO_TEST_SUITE_END()
