// Runs of `gioexport download` killed with SIGKILL at random moments and
// started again: each restart must end with every file verified, and no file
// that had its final name before the kill may be requested again.
#include "support/print.hpp"
#include "support/run.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
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

pid_t start_download(const emulator_process& emulator, const std::filesystem::path& out, const std::string& hour)
{
    const char* cli = std::getenv("GIOEXPORT_CLI");
    BOOST_TEST_REQUIRE(cli != nullptr);
    std::vector<std::string> args = {cli,          "download",         "--quiet",        "--base-url",
                                     emulator.base_url(), "--client-id", demo_client_id, "--project",
                                     demo_project, "--ai",             demo_ai,          "--export-type",
                                     "hour",       "--date",           hour + "00",      "--concurrency",
                                     "2",          "--out",            out.string()};
    std::vector<char*> argv;
    for (auto& arg : args)
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

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    BOOST_TEST_REQUIRE(rc == 0);
    return pid;
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

BOOST_AUTO_TEST_SUITE_END()
