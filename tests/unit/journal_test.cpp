// The export journal: a listed record with another count than the type's
// previous one voids the type's verified records, when the journal is read
// and when a run records a listing.
#include "journal.hpp"
#include "support/scratch_folder.hpp"

#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>
#include <string>

using namespace gioexport;
using namespace gioexport::detail;

namespace {

const std::string old_md5 = "0123456789abcdef0123456789abcdef";
const std::string new_md5 = "fedcba9876543210fedcba9876543210";
const std::string page_md5 = "00112233445566778899aabbccddeeff";

// A scratch folder with a journal file written by the test.
struct journal_folder : test::scratch_folder {
    journal_folder() : scratch_folder("gioexport-journal-") {}

    void write_journal(const std::string& text) const
    {
        std::ofstream(path() / export_journal::file_name, std::ios::binary) << text;
    }
};

journal_entry entry_with(const std::string& md5)
{
    return journal_entry{1000, md5, verification::verified};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal)

BOOST_AUTO_TEST_CASE(changed_count_voids_verified_on_read)
{
    journal_folder folder;
    folder.write_journal("listed visit 2\n"
                         "listed page 1\n"
                         "verified visit 0 1000 " + old_md5 + " verified\n"
                         "verified visit 1 1000 " + old_md5 + " verified\n"
                         "verified page 0 1000 " + page_md5 + " verified\n"
                         "listed visit 3\n"
                         "verified visit 0 1000 " + new_md5 + " verified\n");
    const export_journal journal(folder.path());

    const auto first = journal.verified("visit", 0);
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->md5 == new_md5);
    BOOST_TEST(!journal.verified("visit", 1).has_value());
    const auto page = journal.verified("page", 0);
    BOOST_TEST_REQUIRE(page.has_value());
    BOOST_TEST(page->md5 == page_md5);
}

BOOST_AUTO_TEST_CASE(same_count_keeps_verified_on_read)
{
    journal_folder folder;
    folder.write_journal("listed visit 2\n"
                         "verified visit 1 1000 " + old_md5 + " verified\n"
                         "listed visit 2\n"
                         // A torn line is ignored, so it voids nothing.
                         "listed visit 7");
    const export_journal journal(folder.path());
    const auto second = journal.verified("visit", 1);
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(second->md5 == old_md5);
}

// A run ends a torn last line, and the runs after it still ignore the line.
// The first journal ends in a verified record cut just before " unsynced",
// and the second in a listed record cut inside its count.
BOOST_AUTO_TEST_CASE(torn_record_stays_ignored)
{
    journal_folder folder;
    folder.write_journal("listed visit 12\n"
                         "verified visit 1 1000 " + old_md5 + " verified unsynced\n"
                         "verified visit 2 1000 " + old_md5 + " verified");
    for (int run = 1; run <= 3; ++run) {
        BOOST_TEST_CONTEXT("run " << run)
        {
            const export_journal journal(folder.path());
            const auto unsynced = journal.verified("visit", 1);
            BOOST_TEST_REQUIRE(unsynced.has_value());
            BOOST_TEST(!unsynced->synced);
            BOOST_TEST(!journal.verified("visit", 2).has_value());
        }
    }

    folder.write_journal("listed visit 12\n"
                         "verified visit 1 1000 " + old_md5 + " verified\n"
                         "listed visit 1");
    for (int run = 1; run <= 3; ++run) {
        BOOST_TEST_CONTEXT("run " << run)
        {
            const export_journal journal(folder.path());
            BOOST_TEST(journal.verified("visit", 1).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(record_listed_applies_rule)
{
    journal_folder folder;
    {
        export_journal journal(folder.path());
        BOOST_TEST(!journal.record_listed("visit", 2).has_value());
        journal.record_verified("visit", 0, entry_with(old_md5));
        journal.record_listed("page", 1);
        journal.record_verified("page", 0, entry_with(page_md5));

        const auto same = journal.record_listed("visit", 2);
        BOOST_TEST_REQUIRE(same.has_value());
        BOOST_TEST(*same == 2u);
        BOOST_TEST(journal.verified("visit", 0).has_value());

        const auto changed = journal.record_listed("visit", 3);
        BOOST_TEST_REQUIRE(changed.has_value());
        BOOST_TEST(*changed == 2u);
        BOOST_TEST(!journal.verified("visit", 0).has_value());
        BOOST_TEST(journal.verified("page", 0).has_value());
    }

    // A later run reads the same state from the file.
    const export_journal reread(folder.path());
    BOOST_TEST(!reread.verified("visit", 0).has_value());
    BOOST_TEST(reread.verified("page", 0).has_value());
}

BOOST_AUTO_TEST_CASE(unsynced_mark_survives_reread)
{
    journal_folder folder;
    {
        export_journal journal(folder.path());
        journal.record_listed("visit", 3);
        journal.record_verified("visit", 0, entry_with(old_md5));
        journal_entry unsynced = entry_with(new_md5);
        unsynced.synced = false;
        journal.record_verified("visit", 1, unsynced);
        // A later run that checked and synced the file records it again.
        journal.record_verified("visit", 2, unsynced);
        journal.record_verified("visit", 2, entry_with(new_md5));
    }
    std::ifstream in(folder.path() / export_journal::file_name, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    folder.write_journal(written +
                         // Any other seventh field makes the line unreadable.
                         "verified page 0 1000 " + page_md5 + " verified unsynced extra\n"
                         "verified page 1 1000 " + page_md5 + " verified synced\n");

    const export_journal reread(folder.path());
    const auto synced = reread.verified("visit", 0);
    const auto unsynced = reread.verified("visit", 1);
    const auto resynced = reread.verified("visit", 2);
    BOOST_TEST_REQUIRE(synced.has_value());
    BOOST_TEST_REQUIRE(unsynced.has_value());
    BOOST_TEST_REQUIRE(resynced.has_value());
    BOOST_TEST(synced->synced);
    BOOST_TEST(!unsynced->synced);
    BOOST_TEST(unsynced->md5 == new_md5);
    BOOST_TEST(resynced->synced);
    BOOST_TEST(!reread.verified("page", 0).has_value());
    BOOST_TEST(!reread.verified("page", 1).has_value());
}

BOOST_AUTO_TEST_CASE(second_open_is_refused_while_locked)
{
    journal_folder folder;
    {
        export_journal first(folder.path());
        try {
            export_journal second(folder.path());
            BOOST_ERROR("a second journal opened while the first held the lock");
        } catch (const gioexport::error& e) {
            BOOST_TEST(e.code() == errc::io_error);
            BOOST_TEST(std::string(e.what()).find("in use by another gioexport run") != std::string::npos);
        }
        // The refused open left the first journal usable.
        first.record_listed("visit", 1);
    }
    // Closing the first journal releases the lock.
    BOOST_CHECK_NO_THROW(export_journal{folder.path()});
}

BOOST_AUTO_TEST_SUITE_END()
