// The gioexport binary against the emulator. Runs of `gioexport download`
// killed with SIGKILL at random moments and started again must end with every
// file verified, and no file that had its final name before the kill may be
// requested again. Runs interrupted with SIGINT early on exit with 130 (or 0
// when they finished first). `gioexport links --wait` polls an export that is
// not ready.
#include "support/print.hpp"
#include "support/run.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace gioexport;
using namespace gioexport::test;

namespace {

// Starts the gioexport binary with `args` and the demo secret in its
// environment. Its output goes to /dev/null, and its errors too unless
// `stderr_file` is given.
pid_t start_cli(const std::vector<std::string>& args, const std::filesystem::path& stderr_file = {})
{
    const char* cli = std::getenv("GIOEXPORT_CLI");
    BOOST_TEST_REQUIRE(cli != nullptr);
    std::vector<std::string> argv_storage = {cli};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e)
        env_storage.emplace_back(*e);
    env_storage.push_back(std::string("GIOEXPORT_SECRET=") + demo_secret);
    std::vector<char*> envp;
    for (auto& entry : env_storage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    const std::string errors = stderr_file.empty() ? "/dev/null" : stderr_file.string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    BOOST_TEST_REQUIRE(rc == 0);
    return pid;
}

// The emulator's address and the demo project, as command-line options.
std::vector<std::string> emulator_args(const emulator_process& emulator)
{
    return {"--base-url", emulator.base_url(), "--client-id", demo_client_id,
            "--project",  demo_project,        "--ai",        demo_ai};
}

pid_t start_download(const emulator_process& emulator, const std::filesystem::path& out, const std::string& hour)
{
    std::vector<std::string> args = {"download", "--quiet"};
    const auto common = emulator_args(emulator);
    args.insert(args.end(), common.begin(), common.end());
    args.insert(args.end(), {"--export-type", "hour", "--date", hour + "00", "--concurrency", "2", "--out",
                             out.string()});
    return start_cli(args);
}

int wait_exit(pid_t pid)
{
    int status = 0;
    for (int i = 0; i < 3000; ++i) {  // 60 s
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

// Object path (no query) of every file, keyed by "type/part-NNNNN.csv.gz".
std::map<std::string, std::string> object_paths(const emulator_process& emulator, const std::string& hour)
{
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto listing = run(io, c.fetch_links(export_type::hour, export_date::parse(hour)));
    std::map<std::string, std::string> paths;
    for (const auto& type : listing.links)
        for (std::size_t i = 0; i < type.urls.size(); ++i) {
            const std::string& url = type.urls[i];
            const auto path_start = url.find('/', url.find("//") + 2);
            paths[type.type.name() + "/" + part_file_name(i)] = url.substr(path_start, url.find('?') - path_start);
        }
    return paths;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(restart)

BOOST_AUTO_TEST_CASE(killed_runs_finish_on_restart)
{
    emulator_process emulator(false, three_type_export(150000));
    const std::string hour = beijing_hour(3);
    const auto objects = object_paths(emulator, hour);
    BOOST_TEST_REQUIRE(objects.size() == 6u);

    const auto seed = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
    BOOST_TEST_MESSAGE("kill times seeded with " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> kill_after_ms(0, 1500);

    for (int trial = 0; trial < 20; ++trial) {
        const int delay = kill_after_ms(random);
        BOOST_TEST_CONTEXT("trial " << trial << ", killed after " << delay << " ms")
        {
            // The body is paced so a run takes about a second and a half.
            emulator.control("POST", "/_control/reset");
            emulator.control("POST", "/_control/faults",
                             R"({"faults":[{"kind":"slow","target":"objects","bytes_per_second":600000,"count":-1}]})");
            temp_folder out;
            const pid_t first = start_download(emulator, out.path(), hour);
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            ::kill(first, SIGKILL);
            wait_exit(first);

            const auto export_dir = out.path() / demo_ai / "hour" / hour;
            std::set<std::string> finished;
            for (const auto& [name, path] : objects)
                if (std::filesystem::exists(export_dir / name))
                    finished.insert(name);

            // The emulator records a request when its reply ends, which can
            // come a moment after the killed client stopped reading.
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            emulator.control("POST", "/_control/reset");
            const pid_t second = start_download(emulator, out.path(), hour);
            BOOST_TEST_REQUIRE(wait_exit(second) == 0);

            const auto manifest = boost::json::parse(read_file(export_dir / "manifest.json")).as_object();
            BOOST_TEST(manifest.at("complete").as_bool());
            for (const auto& entry : manifest.at("files").as_array()) {
                const auto& fields = entry.as_object();
                const auto path = export_dir / std::string(fields.at("path").as_string());
                BOOST_TEST(fields.at("verification").as_string() == "verified");
                BOOST_TEST(md5_of_file(path) == std::string(fields.at("md5").as_string()));
            }

            // No file that was finished before the kill was requested again.
            const auto stats = emulator.control("GET", "/_control/stats");
            for (const auto& record : stats.as_object().at("requests").as_array()) {
                const std::string path(record.as_object().at("path").as_string());
                for (const auto& name : finished)
                    BOOST_TEST(path != objects.at(name), name << " was downloaded again");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(early_interrupts_exit_cleanly)
{
    // 40 files of 300 KB, so the file threads are busy with opens and syncs
    // during most of a run, which takes some tens of milliseconds. A Ctrl-C
    // that reached a caller while its file call ran once ended the process
    // with SIGABRT or SIGSEGV instead of exit 130.
    emulator_process emulator(false, {"--chunks-per-hour", "4", "--chunk-bytes", "300000"});
    const std::string hour = beijing_hour(3);

    const auto seed = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
    BOOST_TEST_MESSAGE("interrupt times seeded with " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> interrupt_after_ms(10, 80);
    std::uniform_int_distribution<int> interrupt_after_journal_ms(0, 30);

    temp_folder out;
    const auto journal = out.path() / demo_ai / "hour" / hour / ".gioexport-journal";
    int handled = 0;
    for (int trial = 0; trial < 30; ++trial) {
        // Even trials count from the start of the process, so some signals
        // come before the tool handles them. Odd trials count from the
        // journal's creation, after the listing, so on a loaded machine too
        // the signal lands while transfers and file calls run.
        const bool after_journal = trial % 2 == 1;
        const int delay = after_journal ? interrupt_after_journal_ms(random) : interrupt_after_ms(random);
        BOOST_TEST_CONTEXT("trial " << trial << ", interrupted after " << delay << " ms"
                                    << (after_journal ? " from the journal's creation" : ""))
        {
            std::filesystem::remove_all(out.path() / demo_ai);
            const pid_t pid = start_download(emulator, out.path(), hour);
            for (int waited = 0; after_journal && waited < 5000 && !std::filesystem::exists(journal); ++waited)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            ::kill(pid, SIGINT);
            int status = 0;
            BOOST_TEST_REQUIRE(waitpid(pid, &status, 0) == pid);
            // Exit 0 when the run finished first, 130 when the tool handled
            // the signal. Death by SIGINT itself means the signal came before
            // the tool set up its handler, which is fine. Any other signal is
            // a crash.
            const bool exited = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 130);
            const bool unhandled = WIFSIGNALED(status) && WTERMSIG(status) == SIGINT;
            BOOST_TEST((exited || unhandled),
                       "exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ", signal "
                                      << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
            handled += WIFEXITED(status) && WEXITSTATUS(status) == 130 ? 1 : 0;
        }
    }
    // Enough runs must have been cut short by the tool itself, or the test
    // checked nothing.
    BOOST_TEST_MESSAGE(handled << " of 30 runs ended with exit 130");
    BOOST_TEST(handled >= 8);

    // An interrupted run leaves a folder that the next run completes.
    const pid_t last = start_download(emulator, out.path(), hour);
    BOOST_TEST_REQUIRE(wait_exit(last) == 0);
    const auto export_dir = out.path() / demo_ai / "hour" / hour;
    const auto manifest = boost::json::parse(read_file(export_dir / "manifest.json")).as_object();
    BOOST_TEST(manifest.at("complete").as_bool());
}

BOOST_AUTO_TEST_CASE(links_wait_polls_recent_not_exists)
{
    // The current hour is NOT_EXISTS on the server. links --wait must poll it
    // as download does, then exit 5 (not ready) rather than 3.
    emulator_process emulator(false);
    temp_folder out;
    const auto errors = out.path() / "stderr.txt";
    std::vector<std::string> args = {"links"};
    const auto common = emulator_args(emulator);
    args.insert(args.end(), common.begin(), common.end());
    args.insert(args.end(), {"--export-type", "hour", "--date", beijing_hour(0) + "00", "--wait", "2s",
                             "--poll-interval", "1s"});

    const auto started = std::chrono::steady_clock::now();
    BOOST_TEST(wait_exit(start_cli(args, errors)) == 5);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    BOOST_TEST(waited.count() >= 1000);
    BOOST_TEST(count_requests(emulator, "/v2/insights/") >= 2u);

    std::ifstream in(errors);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find("not ready yet") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
