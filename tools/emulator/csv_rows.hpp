// Deterministic CSV rows with plausible values for each data type.
#pragma once

#include "data_types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace emulator {

// splitmix64 (Steele, Lea and Flood, 2014): small, fast and identical on every platform.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next();
    // Returns a value in [0, bound); bound must be positive. The modulo bias is
    // irrelevant for test data.
    std::uint64_t below(std::uint64_t bound) { return next() % bound; }

private:
    std::uint64_t state_;
};

// Appends one CSV field in the vendor dialect: delimiter ',', quote '"' and
// escape '\'. Fields with a delimiter, quote or line break are quoted, and
// inside any field '"' is written \" and '\' is written \\.
void append_csv_field(std::string& out, std::string_view value);

// Writes the header row and data rows of one data type for one hour.
class RowGenerator {
public:
    // `hour_start_ms` is the UTC epoch millisecond at which the hour starts;
    // every time value written falls inside that hour.
    RowGenerator(const DataTypeSchema& schema, std::int64_t hour_start_ms, std::uint64_t seed);

    void append_header(std::string& out) const;
    void append_row(std::string& out);

private:
    struct RowContext {
        int platform = 0;
        std::int64_t send_time = 0;
        std::int64_t time = 0;
        std::int64_t page_time = 0;
    };

    void append_value(std::string& value, int field_kind, const RowContext& row);

    const DataTypeSchema& schema_;
    std::vector<int> field_kinds_;
    std::int64_t hour_start_ms_;
    SplitMix64 random_;
    std::string scratch_;
};

} // namespace emulator
