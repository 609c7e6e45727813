// The .part file of a download: writes of sizes around the 64 KiB piece
// that write() hands the kernel land whole and in order, a resumed file
// keeps its bytes, and only commit() gives the final name. The piece size
// itself is a speed matter, measured in benchmarks/RESULTS.md.
#include "download/part_file.hpp"
#include "support/scratch_folder.hpp"

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

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
        BOOST_TEST(std::filesystem::file_size(part.part_path()) == 10u);
        part.discard();
    }
    BOOST_TEST(!std::filesystem::exists(part_file::part_path_for(target)));
    BOOST_TEST(!std::filesystem::exists(target));
}

BOOST_AUTO_TEST_SUITE_END()
