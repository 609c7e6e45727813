// Entry point of the gioexport command-line tool.
#include "arguments.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "messages.hpp"
#include "output.hpp"

#include <gioexport/version.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    using namespace gioexport::cli;

    const environment env = environment::from_process();
    const language lang = select_language(env);
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        const parse_result parsed = parse_arguments(args, env);
        if (const usage_error* error = std::get_if<usage_error>(&parsed)) {
            report_usage_error(*error, json_requested(args, env), lang);
            return to_int(exit_code::usage);
        }

        const cli_settings& settings = std::get<cli_settings>(parsed);
        switch (settings.cmd) {
        case command::help:
            std::fputs(render_help(lang).c_str(), stdout);
            return to_int(exit_code::success);
        case command::version:
            std::fputs((format_message(lang, message_id::version_line, {gioexport::version()}) + "\n")
                           .c_str(),
                       stdout);
            return to_int(exit_code::success);
        case command::links:
        case command::download:
            break;
        }
        return run_command(settings, lang);
    } catch (const std::exception& e) {
        const std::string text = "gioexport: " +
                                 std::string(message_text(lang, message_id::failed_internal)) +
                                 " " + e.what() + "\n";
        std::fputs(text.c_str(), stderr);
        return to_int(exit_code::internal);
    }
}
