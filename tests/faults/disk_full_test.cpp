// A download into a full file system: it fails as disk_full with the errno
// text, and an older file under the final name stays byte for byte.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>

#include <sys/mount.h>

using namespace gioexport;
using namespace gioexport::test;

namespace {

// A 4 MiB tmpfs mounted on a temporary folder for the test's lifetime.
struct small_file_system {
    temp_folder folder;
    bool mounted = false;

    small_file_system() { mounted = ::mount("tmpfs", folder.path().c_str(), "tmpfs", 0, "size=4m") == 0; }
    ~small_file_system()
    {
        if (mounted)
            ::umount(folder.path().c_str());
    }
};

// Mounting needs root (or CAP_SYS_ADMIN); the test is skipped without it.
struct can_mount {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const
    {
        small_file_system probe;
        boost::test_tools::assertion_result result(probe.mounted);
        if (!probe.mounted)
            result.message() << "cannot mount a tmpfs here (needs root)";
        return result;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(disk_full)

BOOST_AUTO_TEST_CASE(disk_full_keeps_older_copy, *boost::unit_test::precondition(can_mount()))
{
    emulator_process emulator(false, {"--chunk-bytes", "5242880"});
    small_file_system disk;
    BOOST_TEST_REQUIRE(disk.mounted);
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "visit");

    const auto target = disk.folder.path() / "visit-part-00000.csv.gz";
    const std::string older(1024 * 1024, 'o');
    std::ofstream(target, std::ios::binary) << older;

    try {
        run(io, c.download_link(url, target));
        BOOST_FAIL("expected disk_full");
    } catch (const error& e) {
        BOOST_TEST(e.code() == errc::disk_full);
        BOOST_TEST(std::string(e.what()).find("No space left on device") != std::string::npos);
    }
    BOOST_TEST(read_file(target) == older);
    // The .part file stays with what was written, for a later resume.
    BOOST_TEST(std::filesystem::exists(target.string() + ".part"));
}

BOOST_AUTO_TEST_SUITE_END()
