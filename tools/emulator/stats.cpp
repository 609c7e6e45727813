#include "stats.hpp"

#include "time_util.hpp"

#include <boost/json/array.hpp>

namespace emulator {

namespace json = boost::json;

void Stats::record(RequestRecord record)
{
    count("requests");
    count("requests_" + record.target_kind);
    count("status_" + std::to_string(record.status));
    count("body_bytes_sent", static_cast<std::int64_t>(record.body_bytes_sent));
    count("faults_applied", static_cast<std::int64_t>(record.faults.size()));
    if (records_.size() >= max_records) {
        records_.pop_front();
        count("records_dropped");
    }
    records_.push_back(std::move(record));
}

void Stats::count(const std::string& counter, std::int64_t amount)
{
    counters_[counter] += amount;
}

void Stats::clear()
{
    records_.clear();
    counters_.clear();
}

json::object Stats::to_json() const
{
    json::array requests;
    for (const auto& record : records_) {
        json::object entry;
        entry["time"] = format_iso8601_utc_ms(record.time_ms);
        entry["method"] = record.method;
        entry["path"] = record.path;
        entry["target"] = record.target_kind;
        entry["status"] = record.status;
        entry["authorization"] = record.has_authorization;
        entry["x_client_id"] = record.has_client_id;
        entry["range"] = record.range ? json::value(*record.range) : json::value(nullptr);
        entry["local_port"] = record.local_port;
        entry["peer"] = record.peer;
        entry["body_bytes_sent"] = record.body_bytes_sent;
        json::array faults;
        for (const auto& fault : record.faults) {
            faults.emplace_back(fault);
        }
        entry["faults"] = std::move(faults);
        requests.push_back(std::move(entry));
    }
    json::object counters;
    for (const auto& [name, value] : counters_) {
        counters[name] = value;
    }
    json::object document;
    document["requests"] = std::move(requests);
    document["counters"] = std::move(counters);
    return document;
}

} // namespace emulator
