// Locale selection and the English/Chinese message table.
#include "messages.hpp"
#include "output.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

using namespace gioexport::cli;

namespace {

std::set<std::string> placeholders(std::string_view text)
{
    std::set<std::string> found;
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (text[i] == '{' && text[i + 2] == '}' && text[i + 1] >= '0' && text[i + 1] <= '9')
            found.insert(std::string(text.substr(i, 3)));
    }
    return found;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messages)

BOOST_AUTO_TEST_CASE(locale_selects_language)
{
    struct row {
        environment env;
        language expected;
        const char* label;
    };
    const row rows[] = {
        {{{"LANG", "zh_CN.UTF-8"}}, language::chinese, "LANG zh_CN"},
        {{{"LANG", "zh_TW.UTF-8"}}, language::chinese, "LANG zh_TW"},
        {{{"LANG", "zh"}}, language::chinese, "LANG zh"},
        {{{"LANG", "en_US.UTF-8"}}, language::english, "LANG en_US"},
        {{{"LANG", "C"}}, language::english, "LANG C"},
        {{}, language::english, "nothing set"},
        {{{"LC_ALL", "en_US.UTF-8"}, {"LANG", "zh_CN.UTF-8"}}, language::english,
         "LC_ALL overrides LANG"},
        {{{"LC_ALL", "zh_CN.UTF-8"}, {"LANG", "en_US.UTF-8"}}, language::chinese,
         "LC_ALL zh overrides LANG en"},
        {{{"LC_ALL", "C"}, {"LC_MESSAGES", "zh_CN.UTF-8"}}, language::english,
         "LC_ALL overrides LC_MESSAGES"},
        {{{"LC_MESSAGES", "zh_CN.UTF-8"}, {"LANG", "en_US.UTF-8"}}, language::chinese,
         "LC_MESSAGES overrides LANG"},
        {{{"LC_ALL", ""}, {"LANG", "zh_CN.UTF-8"}}, language::chinese, "empty LC_ALL is skipped"},
        {{{"LC_CTYPE", "zh_CN.UTF-8"}}, language::english, "LC_CTYPE is not consulted"},
    };
    for (const row& r : rows) {
        BOOST_TEST_CONTEXT(r.label)
        {
            BOOST_TEST((select_language(r.env) == r.expected));
        }
    }
}

BOOST_AUTO_TEST_CASE(every_message_has_both_languages)
{
    for (std::size_t i = 0; i < message_count; ++i) {
        const auto id = static_cast<message_id>(i);
        BOOST_TEST_CONTEXT("message " << i)
        {
            const std::string_view english = message_text(language::english, id);
            const std::string_view chinese = message_text(language::chinese, id);
            BOOST_TEST(!english.empty());
            BOOST_TEST(!chinese.empty());
            BOOST_TEST((placeholders(english) == placeholders(chinese)));
        }
    }
}

BOOST_AUTO_TEST_CASE(format_fills_placeholders)
{
    BOOST_TEST(format_message(language::english, message_id::invalid_value,
                              {"--wait", "1.5h", "a duration"}) ==
               "invalid value \"1.5h\" for --wait: expected a duration");
    BOOST_TEST(format_message(language::chinese, message_id::invalid_value,
                              {"--wait", "1.5h", "时长"}) ==
               "--wait 的值 \"1.5h\" 无效，可接受的格式：时长");
    // A missing argument leaves its placeholder visible rather than crashing.
    BOOST_TEST(format_message(language::english, message_id::unknown_option) ==
               "unknown option {0}");
}

BOOST_AUTO_TEST_CASE(help_lists_every_option)
{
    const char* const options[] = {
        "--base-url", "--client-id",   "--secret",      "--project",   "--token",
        "--ai",       "--export-type", "--date",        "--data-types", "--expire",
        "--out",      "--concurrency", "--wait",        "--poll-interval", "--ca-file",
        "--insecure", "--require-md5", "--json",        "--show-links", "--quiet",
        "--verbose",  "--help",        "--version",     "GIOEXPORT_SECRET", "GIOEXPORT_TOKEN",
    };
    for (const language lang : {language::english, language::chinese}) {
        const std::string help = render_help(lang);
        for (const char* option : options) {
            BOOST_TEST_CONTEXT("option " << option)
            {
                BOOST_TEST(help.find(option) != std::string::npos);
            }
        }
    }
    BOOST_TEST(render_help(language::english) != render_help(language::chinese));
}

BOOST_AUTO_TEST_CASE(help_lists_exit_codes)
{
    for (const language lang : {language::english, language::chinese}) {
        const std::string help = render_help(lang);
        BOOST_TEST(help.find(std::string(message_text(lang, message_id::help_exit_codes_heading))) !=
                   std::string::npos);
        for (const char* code : {"\n  0 ", "\n  1 ", "\n  2 ", "\n  3 ", "\n  4 ", "\n  5 ",
                                 "\n  6 ", "\n  130 "}) {
            BOOST_TEST_CONTEXT("exit code line" << code)
            {
                BOOST_TEST(help.find(code) != std::string::npos);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
