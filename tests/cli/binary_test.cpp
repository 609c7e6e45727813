// Runs the built gioexport binary with bad arguments and checks that it stops
// with exit code 2 and a message naming the value, in English and Chinese.
//
// The path of the binary is the first argument after "--". Every run passes
// --base-url http://127.0.0.1:9, so even a parser bug that let the arguments
// through would send its request to a closed local port.
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct run_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string binary_path()
{
    const auto& suite = boost::unit_test::framework::master_test_suite();
    BOOST_REQUIRE_MESSAGE(suite.argc >= 2, "pass the gioexport binary after \"--\"");
    return suite.argv[1];
}

// Runs the binary with `args` and exactly the variables in `env`, capturing
// stdout and stderr through temporary files.
run_result run(const std::vector<std::string>& args, const std::vector<std::string>& env)
{
    const std::string binary = binary_path();
    char out_template[] = "/tmp/gioexport-cli-out-XXXXXX";
    char err_template[] = "/tmp/gioexport-cli-err-XXXXXX";
    const int out_fd = ::mkstemp(out_template);
    const int err_fd = ::mkstemp(err_template);
    BOOST_REQUIRE(out_fd >= 0);
    BOOST_REQUIRE(err_fd >= 0);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const std::string& variable : env)
        envp.push_back(const_cast<char*>(variable.c_str()));
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(),
                                      envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_fd);
    ::close(err_fd);
    BOOST_REQUIRE_MESSAGE(spawned == 0, "cannot start " << binary);

    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);

    run_result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_template);
    result.err = read_file(err_template);
    std::filesystem::remove(out_template);
    std::filesystem::remove(err_template);
    return result;
}

const std::vector<std::string> credentials = {
    "GIOEXPORT_CLIENT_ID=3c9f0e7d1a2b4c5d",
    "GIOEXPORT_SECRET=gio-demo-secret-2f1c9a7e4b",
    "GIOEXPORT_PROJECT=wq7xk3ab",
    "GIOEXPORT_AI=9f2e4d6c8b0a13579bdf2468ace01357",
};

std::vector<std::string> with_locale(const char* lang, std::vector<std::string> extra = {})
{
    std::vector<std::string> env = credentials;
    env.push_back(std::string("LANG=") + lang);
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<std::string> loopback_args(std::vector<std::string> args)
{
    args.push_back("--base-url");
    args.push_back("http://127.0.0.1:9");
    return args;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(binary)

BOOST_AUTO_TEST_CASE(bad_values_exit_with_usage_error)
{
    struct row {
        std::vector<std::string> args;
        std::string option;
        std::string value;
    };
    const std::vector<row> rows = {
        {{"download", "--export-type", "hour", "--date", "2026120400", "--concurrency", "99"},
         "--concurrency", "99"},
        {{"links", "--export-type", "hour", "--date", "2026-13-01T00:00Z"}, "--date",
         "2026-13-01T00:00Z"},
        {{"links", "--export-type", "week", "--date", "2026120400"}, "--export-type", "week"},
        {{"download", "--export-type", "day", "--date", "20261204", "--wait", "1.5h"}, "--wait",
         "1.5h"},
        {{"links", "--export-type", "day", "--date", "20261204", "--data-types", "Visit"},
         "--data-types", "Visit"},
        {{"links", "--export-type", "day", "--date", "20261204", "--expire", "10081"}, "--expire",
         "10081"},
    };

    const struct {
        const char* lang;
        const char* sentence;
    } locales[] = {{"en_US.UTF-8", "invalid value"}, {"zh_CN.UTF-8", "无效"}};

    for (const auto& locale : locales) {
        for (const row& r : rows) {
            BOOST_TEST_CONTEXT(locale.lang << " " << r.option << " " << r.value)
            {
                const run_result result = run(loopback_args(r.args), with_locale(locale.lang));
                BOOST_TEST(result.exit_code == 2);
                BOOST_TEST(result.out.empty(), result.out);
                BOOST_TEST(result.err.find(r.option) != std::string::npos, result.err);
                BOOST_TEST(result.err.find("\"" + r.value + "\"") != std::string::npos, result.err);
                BOOST_TEST(result.err.find(locale.sentence) != std::string::npos, result.err);
                BOOST_TEST(result.err.find("gio-demo-secret") == std::string::npos, result.err);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_variable_named_in_both_languages)
{
    for (const char* lang : {"en_US.UTF-8", "zh_CN.UTF-8"}) {
        BOOST_TEST_CONTEXT(lang)
        {
            const run_result result =
                run(loopback_args({"download", "--export-type", "hour", "--date", "2026120400"}),
                    with_locale(lang, {"GIOEXPORT_POLL_INTERVAL=0"}));
            BOOST_TEST(result.exit_code == 2);
            BOOST_TEST(result.err.find("GIOEXPORT_POLL_INTERVAL") != std::string::npos,
                       result.err);
            BOOST_TEST(result.err.find("\"0\"") != std::string::npos, result.err);
        }
    }
}

BOOST_AUTO_TEST_CASE(missing_credentials_named)
{
    const run_result english =
        run(loopback_args({"links", "--export-type", "hour", "--date", "2026120400"}),
            {"LANG=en_US.UTF-8", "GIOEXPORT_CLIENT_ID=3c9f0e7d1a2b4c5d"});
    BOOST_TEST(english.exit_code == 2);
    BOOST_TEST(english.err.find("GIOEXPORT_AI") != std::string::npos, english.err);
    BOOST_TEST(english.err.find("--ai") != std::string::npos, english.err);

    const run_result chinese =
        run(loopback_args({"links", "--export-type", "hour", "--date", "2026120400"}),
            {"LC_ALL=zh_CN.UTF-8", "LANG=en_US.UTF-8", "GIOEXPORT_CLIENT_ID=3c9f0e7d1a2b4c5d",
             "GIOEXPORT_AI=9f2e4d6c8b0a13579bdf2468ace01357"});
    BOOST_TEST(chinese.exit_code == 2);
    BOOST_TEST(chinese.err.find("GIOEXPORT_SECRET") != std::string::npos, chinese.err);
    BOOST_TEST(chinese.err.find("缺少凭据") != std::string::npos, chinese.err);
}

BOOST_AUTO_TEST_CASE(unknown_option_named)
{
    for (const char* lang : {"en_US.UTF-8", "zh_CN.UTF-8"}) {
        BOOST_TEST_CONTEXT(lang)
        {
            const run_result result = run(loopback_args({"links", "--colour"}), with_locale(lang));
            BOOST_TEST(result.exit_code == 2);
            BOOST_TEST(result.err.find("--colour") != std::string::npos, result.err);
            BOOST_TEST(result.err.find("--help") != std::string::npos, result.err);
        }
    }
}

BOOST_AUTO_TEST_CASE(json_usage_error_on_stdout_only)
{
    const run_result result =
        run(loopback_args({"download", "--json", "--export-type", "hour", "--date", "2026120400",
                           "--concurrency", "0"}),
            with_locale("en_US.UTF-8"));
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.err.empty(), result.err);
    const boost::json::value document = boost::json::parse(result.out);
    BOOST_TEST(!document.at("ok").as_bool());
    BOOST_TEST(document.at("exitCode").as_int64() == 2);
    BOOST_TEST(document.at("error").as_string() == "invalid_argument");
    BOOST_TEST(document.at("httpStatus").is_null());
    const std::string message(document.at("message").as_string());
    BOOST_TEST(message.find("--concurrency") != std::string::npos, message);
    BOOST_TEST(message.find("\"0\"") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(help_in_both_languages)
{
    const run_result english = run({"--help"}, {"LANG=en_US.UTF-8"});
    BOOST_TEST(english.exit_code == 0);
    BOOST_TEST(english.out.find("Exit codes:") != std::string::npos);
    BOOST_TEST(english.out.find("GIOEXPORT_SECRET") != std::string::npos);

    const run_result chinese = run({"help"}, {"LANG=zh_CN.UTF-8"});
    BOOST_TEST(chinese.exit_code == 0);
    BOOST_TEST(chinese.out.find("退出码") != std::string::npos);

    const run_result version = run({"--version"}, {});
    BOOST_TEST(version.exit_code == 0);
    BOOST_TEST(version.out.starts_with("gioexport "));
}

BOOST_AUTO_TEST_SUITE_END()
