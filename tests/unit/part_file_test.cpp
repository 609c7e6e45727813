// The .part file of a download: writes of sizes around the 64 KiB piece
// that write() hands the kernel land whole and in order, a resumed file
// keeps its bytes, and only commit() gives the final name. A small file has
// no name on disk until then, unless it is closed early. The piece size
// itself is a speed matter, measured in benchmarks/RESULTS.md.
#include "download/part_file.hpp"
#include "support/scratch_folder.hpp"

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace gioexport;
using namespace gioexport::detail;

namespace {

// `size` bytes that differ from one 64 KiB piece to the next, so a piece
// written twice or skipped changes the content.
std::string pattern_bytes(std::size_t size, unsigned seed)
{
    std::string bytes(size, '\0');
    std::uint32_t state = seed * 2654435761u + 1;
    for (char& byte : bytes) {
        state = state * 1664525u + 1013904223u;
        byte = static_cast<char>(state >> 24);
    }
    return bytes;
}

std::string read_all(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Checks that `target` contains `bytes` under its final name and that no
// .part file is left.
void check_committed(const std::filesystem::path& target, const std::string& bytes)
{
    BOOST_TEST(!std::filesystem::exists(part_file::part_path_for(target)));
    BOOST_TEST((read_all(target) == bytes));
}

// Returns whether files without a name can be made in `folder`; where they
// cannot (NFS, older overlayfs), part_file names every file from the start.
bool folder_has_unnamed_files(const std::filesystem::path& folder)
{
    const int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(part_file_writes)

BOOST_AUTO_TEST_CASE(odd_writes_land_in_order)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "visit" / "part-00000.csv.gz";
    // One write far above the 64 KiB piece size with a ragged end, then
    // writes of one byte, exactly one piece and one byte more than a piece.
    const std::string first = pattern_bytes(3 * 65536 + 12345, 1);
    const std::string rest = pattern_bytes(1 + 65536 + 65537, 2);
    {
        part_file part(target);
        part.write(first.data(), first.size());
        part.write(rest.data(), 1);
        part.write(rest.data() + 1, 65536);
        part.write(rest.data() + 1 + 65536, 65537);
        BOOST_TEST(part.size() == first.size() + rest.size());
        BOOST_TEST(!std::filesystem::exists(target));  // no final name before the commit
        part.commit();
    }
    BOOST_TEST(!std::filesystem::exists(part_file::part_path_for(target)));
    BOOST_TEST((read_all(target) == first + rest));
}

BOOST_AUTO_TEST_CASE(resume_keeps_bytes_and_appends)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "page" / "part-00001.csv.gz";
    const std::string head = pattern_bytes(200000, 3);
    const std::string tail = pattern_bytes(70000, 4);
    {
        part_file first(target);
        first.write(head.data(), head.size());
    }  // an interrupted attempt leaves the .part file

    part_file resumed(target, part_file::open_mode::resume);
    BOOST_TEST(resumed.size() == head.size());
    BOOST_TEST(resumed.last_byte() == head.back());
    std::string seen;
    resumed.read_existing(65536, [&](const char* data, std::size_t size) { seen.append(data, size); });
    BOOST_TEST((seen == head));

    resumed.write(tail.data(), tail.size());
    resumed.commit();
    BOOST_TEST((read_all(target) == head + tail));
}

BOOST_AUTO_TEST_CASE(restart_and_discard_clean_up)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "click" / "part-00002.csv.gz";
    const std::string bytes = pattern_bytes(100000, 5);
    {
        part_file part(target);
        part.write(bytes.data(), bytes.size());
        part.restart();
        BOOST_TEST(part.size() == 0u);
        part.write(bytes.data(), 10);
    }  // closed before the commit: the bytes left take the .part name
    BOOST_TEST(std::filesystem::file_size(part_file::part_path_for(target)) == 10u);
    {
        part_file part(target, part_file::open_mode::resume);
        BOOST_TEST(part.size() == 10u);
        part.discard();
    }
    BOOST_TEST(!std::filesystem::exists(part_file::part_path_for(target)));
    BOOST_TEST(!std::filesystem::exists(target));
}

BOOST_AUTO_TEST_CASE(small_file_unnamed_until_commit)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "visit" / "part-00003.csv.gz";
    const std::string bytes = pattern_bytes(300000, 6);
    {
        part_file part(target);
        part.write(bytes.data(), bytes.size());
        const bool unnamed = folder_has_unnamed_files(target.parent_path());
        BOOST_TEST_MESSAGE("files without a name: " << (unnamed ? "yes" : "no, so the .part name from the start"));
        BOOST_TEST(part.has_part_name() == !unnamed);
        BOOST_TEST(std::filesystem::is_empty(target.parent_path()) == unnamed);
        part.commit();
    }
    check_committed(target, bytes);
}

BOOST_AUTO_TEST_CASE(large_file_named_while_written)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "page" / "part-00004.csv.gz";
    const std::string bytes = pattern_bytes(part_file::name_after + 1000, 7);
    const std::size_t first = part_file::name_after - 1;
    part_file part(target);
    part.write(bytes.data(), first);
    const bool unnamed = folder_has_unnamed_files(target.parent_path());
    BOOST_TEST(std::filesystem::exists(part_file::part_path_for(target)) == !unnamed);
    part.write(bytes.data() + first, bytes.size() - first);
    BOOST_TEST(part.has_part_name());
    // Bytes written before and after the name was given are all under it.
    BOOST_TEST((read_all(part_file::part_path_for(target)) == bytes));
    part.commit();
    check_committed(target, bytes);
}

BOOST_AUTO_TEST_CASE(commit_replaces_existing_file)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "ads" / "part-00005.csv.gz";
    const std::string old_bytes = pattern_bytes(5000, 8);
    const std::string new_bytes = pattern_bytes(7000, 9);
    write_file_atomically(target, old_bytes);
    BOOST_TEST((read_all(target) == old_bytes));
    {
        part_file part(target);
        part.write(new_bytes.data(), new_bytes.size());
        part.commit();
    }
    check_committed(target, new_bytes);
}

BOOST_AUTO_TEST_CASE(closing_replaces_stale_part_file)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "visit" / "part-00006.csv.gz";
    const std::string stale = pattern_bytes(4000, 10);
    const std::string fresh = pattern_bytes(6000, 11);
    {
        part_file part(target);
        part.write(fresh.data(), fresh.size());
        // Another attempt leaves a .part file after this one was opened.
        std::ofstream(part_file::part_path_for(target), std::ios::binary) << stale;
    }
    BOOST_TEST((read_all(part_file::part_path_for(target)) == fresh));
}

// In a child process with its own mount namespace, /proc becomes an empty
// tmpfs with a bare self/fd folder, so part_file starts files without a
// name and then finds its links through /proc rejected. The bytes must then
// be copied to the .part name, and the commit must still give the final
// name with every byte. Returns the child's verdict, or nullopt when the
// namespace cannot be made (not root, or no CAP_SYS_ADMIN).
std::optional<bool> run_with_rejected_links(const std::filesystem::path& target, const std::string& bytes)
{
    const pid_t pid = ::fork();
    if (pid < 0)
        return std::nullopt;
    if (pid == 0) {
        if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount("none", "/proc", "tmpfs", 0, nullptr) != 0)
            ::_exit(2);
        std::filesystem::create_directories("/proc/self/fd");
        bool ok = true;
        {
            part_file part(target);
            part.write(bytes.data(), bytes.size());  // crosses name_after, so it requests the .part name
            ok = ok && part.has_part_name();
            ok = ok && read_all(part_file::part_path_for(target)) == bytes;
            part.commit();
        }
        ok = ok && read_all(target) == bytes && !std::filesystem::exists(part_file::part_path_for(target));
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
        return std::nullopt;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

BOOST_AUTO_TEST_CASE(rejected_links_copy_to_part)
{
    const test::scratch_folder folder("gioexport-part-");
    const auto target = folder.path() / "page" / "part-00007.csv.gz";
    const std::string bytes = pattern_bytes(part_file::name_after + 5000, 12);
    const auto verdict = run_with_rejected_links(target, bytes);
    if (!verdict) {
        BOOST_TEST_MESSAGE("skipped: no mount namespace here (needs root)");
        return;
    }
    BOOST_TEST(*verdict);
}

BOOST_AUTO_TEST_SUITE_END()
