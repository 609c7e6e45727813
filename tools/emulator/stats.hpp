// Per-request records and counters served by GET /_control/stats.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emulator {

struct RequestRecord {
    std::int64_t time_ms = 0; // emulator clock
    std::string method;
    std::string path; // without the query string
    std::string target_kind; // token, api, objects, control, redirect or other
    unsigned status = 0;
    bool has_authorization = false;
    bool has_client_id = false;
    std::optional<std::string> range;
    std::uint16_t local_port = 0;
    std::string peer;
    std::uint64_t body_bytes_sent = 0;
    std::vector<std::string> faults;
};

class Stats {
public:
    void record(RequestRecord record);
    void count(const std::string& counter, std::int64_t amount = 1);
    void clear();
    boost::json::object to_json() const;

private:
    // Oldest records are dropped beyond this many, and counted as dropped.
    static constexpr std::size_t max_records = 100000;

    std::deque<RequestRecord> records_;
    std::map<std::string, std::int64_t> counters_;
};

} // namespace emulator
