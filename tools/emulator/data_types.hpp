// The ten v2 data types and their CSV columns, in the documented table order.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace emulator {

struct DataTypeSchema {
    std::string_view name;
    std::span<const std::string_view> columns;
};

inline constexpr std::size_t data_type_count = 10;

// All data types in the key order of the all-types listing: visit, page,
// action, action_tag, custom_event, pvar, evar, vstr, ads_track_activation,
// ads_track_click.
const std::array<DataTypeSchema, data_type_count>& data_types();

// Returns the schema of `name`, or nullptr for an unknown data type.
const DataTypeSchema* find_data_type(std::string_view name);

} // namespace emulator
