#include "arguments.hpp"

#include "time_parse.hpp"

#include <gioexport/auth.hpp>
#include <gioexport/error.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <system_error>

namespace gioexport::cli {
namespace {

enum class option_id {
    base_url,
    client_id,
    secret,
    project,
    token,
    ai,
    export_type,
    date,
    data_types,
    expire,
    out,
    concurrency,
    wait,
    poll_interval,
    ca_file,
    insecure,
    proxy,
    require_md5,
    no_fsync,
    json,
    show_links,
    quiet,
    verbose,
};

// Bit set of the commands that accept an option.
enum command_set : unsigned {
    for_links = 1u << 0,
    for_download = 1u << 1,
    for_both = for_links | for_download,
};

struct option_spec {
    option_id id;
    std::string_view flag;
    bool is_switch;
    unsigned commands;
};

// Options are applied in this order, so when several values are invalid the
// error names the first one listed here.
constexpr std::array option_specs{
    option_spec{option_id::base_url, "--base-url", false, for_both},
    option_spec{option_id::client_id, "--client-id", false, for_both},
    option_spec{option_id::secret, "--secret", false, for_both},
    option_spec{option_id::project, "--project", false, for_both},
    option_spec{option_id::token, "--token", false, for_both},
    option_spec{option_id::ai, "--ai", false, for_both},
    option_spec{option_id::export_type, "--export-type", false, for_both},
    option_spec{option_id::date, "--date", false, for_both},
    option_spec{option_id::data_types, "--data-types", false, for_both},
    option_spec{option_id::expire, "--expire", false, for_both},
    option_spec{option_id::out, "--out", false, for_download},
    option_spec{option_id::concurrency, "--concurrency", false, for_download},
    option_spec{option_id::wait, "--wait", false, for_both},
    option_spec{option_id::poll_interval, "--poll-interval", false, for_both},
    option_spec{option_id::ca_file, "--ca-file", false, for_both},
    option_spec{option_id::insecure, "--insecure", true, for_both},
    option_spec{option_id::proxy, "--proxy", false, for_both},
    option_spec{option_id::require_md5, "--require-md5", true, for_download},
    option_spec{option_id::no_fsync, "--no-fsync", true, for_download},
    option_spec{option_id::json, "--json", true, for_both},
    option_spec{option_id::show_links, "--show-links", true, for_links},
    option_spec{option_id::quiet, "--quiet", true, for_both},
    option_spec{option_id::verbose, "--verbose", true, for_both},
};

// A value and where it came from: the option ("--date") or the variable
// ("GIOEXPORT_DATE"), which is what an error message names.
struct sourced_value {
    std::string text;
    std::string source;
};

const option_spec* find_option(std::string_view flag)
{
    const auto found = std::find_if(option_specs.begin(), option_specs.end(),
                                    [flag](const option_spec& spec) { return spec.flag == flag; });
    return found == option_specs.end() ? nullptr : &*found;
}

unsigned command_bit(command cmd)
{
    return cmd == command::links ? for_links : for_download;
}

usage_error invalid_value(const sourced_value& value, message_id expected,
                          std::string detail = {})
{
    usage_error error;
    error.id = message_id::invalid_value;
    error.subject = value.source;
    error.value = value.text;
    error.expected = expected;
    error.detail = std::move(detail);
    return error;
}

usage_error missing_setting(std::string_view flag)
{
    usage_error error;
    error.id = message_id::missing_setting;
    error.subject = std::string(flag);
    error.other = environment_variable_for(flag);
    return error;
}

std::string_view trim_spaces(std::string_view text)
{
    const auto not_space = [](char c) { return c != ' ' && c != '\t'; };
    const auto first = std::find_if(text.begin(), text.end(), not_space);
    const auto last = std::find_if(text.rbegin(), text.rend(), not_space).base();
    return first < last ? std::string_view(first, last) : std::string_view();
}

bool is_http_url(std::string_view url)
{
    std::string lower(url.substr(0, 8));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view rest;
    if (lower.starts_with("https://"))
        rest = url.substr(8);
    else if (lower.starts_with("http://"))
        rest = url.substr(7);
    else
        return false;
    return !rest.empty() && rest.front() != '/' && rest.find_first_of(" \t\r\n") == rest.npos;
}

std::optional<usage_error> apply_non_empty(std::string& target, const sourced_value& value)
{
    if (value.text.empty())
        return invalid_value(value, message_id::form_non_empty);
    target = value.text;
    return std::nullopt;
}

std::optional<usage_error> apply_switch(bool& target, const sourced_value& value)
{
    const auto parsed = parse_boolean(value.text);
    if (!parsed)
        return invalid_value(value, message_id::form_boolean);
    target = *parsed;
    return std::nullopt;
}

std::optional<usage_error> apply_date(cli_settings& settings, const sourced_value& value)
{
    const auto digits = beijing_digits_from_argument(value.text);
    if (!digits)
        return invalid_value(value, message_id::form_date);
    try {
        settings.date = gioexport::export_date::parse(*digits);
        // --export-type is applied before --date, so the period is known
        // here when both are given, and the error can name --date.
        if (settings.type)
            gioexport::require_period_started(*settings.type, *settings.date);
    } catch (const gioexport::error& e) {
        return invalid_value(value, message_id::form_date, e.what());
    }
    return std::nullopt;
}

std::optional<usage_error> apply_data_types(cli_settings& settings, const sourced_value& value)
{
    settings.data_types.clear();
    settings.undocumented_types.clear();
    if (trim_spaces(value.text).empty())
        return std::nullopt;  // an empty list selects every type

    std::string_view rest = value.text;
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = trim_spaces(rest.substr(0, comma));
        if (item.empty())
            return invalid_value(value, message_id::form_data_types);
        try {
            auto type = gioexport::data_type::parse(item);
            const bool seen = std::find(settings.data_types.begin(), settings.data_types.end(),
                                        type) != settings.data_types.end();
            if (!seen) {
                if (!type.is_documented())
                    settings.undocumented_types.emplace_back(item);
                settings.data_types.push_back(std::move(type));
            }
        } catch (const gioexport::error& e) {
            return invalid_value(sourced_value{std::string(item), value.source},
                                 message_id::form_data_types, e.what());
        }
        if (comma == std::string_view::npos)
            break;
        rest = rest.substr(comma + 1);
    }
    return std::nullopt;
}

std::optional<usage_error> apply_concurrency(cli_settings& settings, const sourced_value& value)
{
    const std::string& text = value.text;
    const bool digits_only = !text.empty() && text.size() <= 9 &&
                             std::all_of(text.begin(), text.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
    const std::size_t number = digits_only ? std::stoul(text) : 0;
    if (number < min_concurrency || number > max_concurrency)
        return invalid_value(value, message_id::form_concurrency);
    settings.concurrency = number;
    return std::nullopt;
}

std::optional<usage_error> apply_duration(std::chrono::seconds& target, const sourced_value& value,
                                          std::chrono::seconds minimum, message_id form)
{
    const auto parsed = parse_duration(value.text);
    if (!parsed || *parsed < minimum)
        return invalid_value(value, form);
    target = *parsed;
    return std::nullopt;
}

std::optional<usage_error> apply_ca_file(cli_settings& settings, const sourced_value& value)
{
    std::error_code ignored;
    const std::filesystem::path path(value.text);
    if (value.text.empty() || !std::filesystem::exists(path, ignored) ||
        std::filesystem::is_directory(path, ignored))
        return invalid_value(value, message_id::form_ca_file);
    settings.client.tls.ca_file = value.text;
    return std::nullopt;
}

std::optional<usage_error> apply_option(option_id id, cli_settings& settings,
                                        const sourced_value& value)
{
    gioexport::credentials& creds = settings.client.creds;
    switch (id) {
    case option_id::base_url:
        if (!is_http_url(value.text))
            return invalid_value(value, message_id::form_url);
        settings.client.base_url = value.text;
        return std::nullopt;
    case option_id::client_id:
        return apply_non_empty(creds.client_id, value);
    case option_id::secret:
        return apply_non_empty(creds.secret, value);
    case option_id::project:
        return apply_non_empty(creds.project, value);
    case option_id::token:
        return apply_non_empty(creds.token, value);
    case option_id::ai:
        return apply_non_empty(creds.ai, value);
    case option_id::export_type:
        try {
            settings.type = gioexport::export_type::parse(value.text);
        } catch (const gioexport::error& e) {
            return invalid_value(value, message_id::form_export_type, e.what());
        }
        return std::nullopt;
    case option_id::date:
        return apply_date(settings, value);
    case option_id::data_types:
        return apply_data_types(settings, value);
    case option_id::expire:
        try {
            settings.expiry = gioexport::link_expiry::parse(value.text);
        } catch (const gioexport::error& e) {
            return invalid_value(value, message_id::form_expire, e.what());
        }
        return std::nullopt;
    case option_id::out:
        if (value.text.empty())
            return invalid_value(value, message_id::form_non_empty);
        settings.out_dir = value.text;
        return std::nullopt;
    case option_id::concurrency:
        return apply_concurrency(settings, value);
    case option_id::wait:
        return apply_duration(settings.wait, value, std::chrono::seconds(0),
                              message_id::form_wait);
    case option_id::poll_interval:
        return apply_duration(settings.poll_interval, value, std::chrono::seconds(1),
                              message_id::form_poll_interval);
    case option_id::ca_file:
        return apply_ca_file(settings, value);
    case option_id::proxy:
        // The library checks the form when the client is built, before any
        // request, and names the value in its error.
        if (value.text.empty())
            return invalid_value(value, message_id::form_non_empty);
        settings.client.proxy.url = value.text;
        return std::nullopt;
    case option_id::insecure: {
        bool insecure = false;
        if (auto error = apply_switch(insecure, value))
            return error;
        settings.client.tls.verify_peer = !insecure;
        return std::nullopt;
    }
    case option_id::require_md5:
        return apply_switch(settings.require_md5, value);
    case option_id::no_fsync:
        return apply_switch(settings.no_fsync, value);
    case option_id::json:
        return apply_switch(settings.json, value);
    case option_id::show_links:
        return apply_switch(settings.show_links, value);
    case option_id::quiet:
        return apply_switch(settings.quiet, value);
    case option_id::verbose:
        return apply_switch(settings.verbose, value);
    }
    return std::nullopt;
}

// Checks that the credentials the requests need are present, naming the
// option and variable to set, then lets the library check their content.
std::optional<usage_error> check_credentials(const gioexport::credentials& creds)
{
    if (creds.client_id.empty())
        return missing_setting("--client-id");
    if (creds.ai.empty())
        return missing_setting("--ai");
    if (creds.token.empty()) {
        if (creds.secret.empty()) {
            usage_error error;
            error.id = message_id::missing_secret_or_token;
            return error;
        }
        if (creds.project.empty())
            return missing_setting("--project");
    }

    try {
        gioexport::validate_credentials(creds);
    } catch (const gioexport::error& e) {
        usage_error error;
        error.id = message_id::invalid_credentials;
        error.detail = e.what();
        return error;
    }
    return std::nullopt;
}

std::optional<command> parse_command(std::string_view word)
{
    if (word == "links")
        return command::links;
    if (word == "download")
        return command::download;
    if (word == "help")
        return command::help;
    return std::nullopt;
}

}  // namespace

std::string_view command_name(command cmd) noexcept
{
    switch (cmd) {
    case command::links:
        return "links";
    case command::download:
        return "download";
    case command::help:
        return "help";
    case command::version:
        return "version";
    }
    return "help";
}

std::optional<bool> parse_boolean(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "1" || lower == "true" || lower == "yes")
        return true;
    if (lower == "0" || lower == "false" || lower == "no")
        return false;
    return std::nullopt;
}

std::string environment_variable_for(std::string_view option)
{
    while (option.starts_with('-'))
        option.remove_prefix(1);
    std::string name = "GIOEXPORT_";
    for (const char c : option)
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::string render_usage_error(const usage_error& error, language lang)
{
    std::string text;
    switch (error.id) {
    case message_id::invalid_value:
        text = format_message(
            lang, error.id,
            {error.subject, error.value,
             message_text(lang, error.expected.value_or(message_id::form_non_empty))});
        break;
    case message_id::missing_setting:
    case message_id::conflicting_options:
    case message_id::option_not_for_command:
        text = format_message(lang, error.id, {error.subject, error.other});
        break;
    case message_id::unknown_command:
    case message_id::unexpected_argument:
        text = format_message(lang, error.id, {error.value});
        break;
    default:
        text = format_message(lang, error.id, {error.subject});
        break;
    }
    if (!error.detail.empty())
        text += "\n  " + error.detail;
    return text;
}

bool json_requested(const std::vector<std::string>& args, const environment& env)
{
    std::optional<bool> requested;
    for (const std::string& arg : args) {
        if (arg == "--json")
            requested = true;
        else if (arg.starts_with("--json="))
            requested = parse_boolean(std::string_view(arg).substr(7)).value_or(false);
    }
    if (requested)
        return *requested;
    const auto variable = env.get("GIOEXPORT_JSON");
    return variable && parse_boolean(*variable).value_or(false);
}

parse_result parse_arguments(const std::vector<std::string>& args, const environment& env)
{
    cli_settings settings;

    for (const std::string& arg : args) {
        if (arg == "--help" || arg == "-h") {
            settings.cmd = command::help;
            return settings;
        }
    }
    for (const std::string& arg : args) {
        if (arg == "--version") {
            settings.cmd = command::version;
            return settings;
        }
    }

    // Collect the options given on the command line; a repeated option keeps
    // its last value.
    std::map<option_id, sourced_value> flag_values;
    std::optional<command> cmd;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];

        if (arg.starts_with("--") && arg.size() > 2) {
            const std::size_t equals = arg.find('=');
            const std::string flag = arg.substr(0, equals);
            const option_spec* spec = find_option(flag);
            if (spec == nullptr) {
                usage_error error;
                error.id = message_id::unknown_option;
                error.subject = flag;
                return error;
            }

            std::string value;
            if (equals != std::string::npos) {
                value = arg.substr(equals + 1);
            } else if (spec->is_switch) {
                value = "true";
            } else if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
                value = args[++i];
            } else {
                usage_error error;
                error.id = message_id::missing_value;
                error.subject = flag;
                return error;
            }
            flag_values.insert_or_assign(spec->id, sourced_value{std::move(value), flag});
            continue;
        }

        if (arg.starts_with("-") && arg.size() > 1) {
            usage_error error;
            error.id = message_id::unknown_option;
            error.subject = arg;
            return error;
        }

        if (cmd) {
            usage_error error;
            error.id = message_id::unexpected_argument;
            error.value = arg;
            return error;
        }
        cmd = parse_command(arg);
        if (!cmd) {
            usage_error error;
            error.id = message_id::unknown_command;
            error.value = arg;
            return error;
        }
        // "gioexport help download" asks for help too.
        if (*cmd == command::help)
            return settings;
    }

    if (!cmd) {
        usage_error error;
        error.id = message_id::missing_command;
        return error;
    }
    settings.cmd = *cmd;

    const unsigned this_command = command_bit(settings.cmd);
    for (const option_spec& spec : option_specs) {
        const auto flag_value = flag_values.find(spec.id);
        const bool applies = (spec.commands & this_command) != 0;

        if (flag_value != flag_values.end() && !applies) {
            usage_error error;
            error.id = message_id::option_not_for_command;
            error.subject = std::string(spec.flag);
            error.other = std::string(command_name(settings.cmd));
            return error;
        }
        // A variable for an option this command does not take is ignored, so
        // one environment can serve both commands.
        if (!applies)
            continue;

        std::optional<sourced_value> value;
        if (flag_value != flag_values.end()) {
            value = flag_value->second;
        } else {
            const std::string variable = environment_variable_for(spec.flag);
            if (const auto text = env.get(variable))
                value = sourced_value{std::string(*text), variable};
        }
        if (!value)
            continue;
        if (auto error = apply_option(spec.id, settings, *value))
            return *error;
    }

    if (settings.quiet && settings.verbose) {
        usage_error error;
        error.id = message_id::conflicting_options;
        error.subject = "--quiet";
        error.other = "--verbose";
        return error;
    }
    if (!settings.type)
        return missing_setting("--export-type");
    if (!settings.date)
        return missing_setting("--date");
    if (auto error = check_credentials(settings.client.creds))
        return *error;

    return settings;
}

}  // namespace gioexport::cli
