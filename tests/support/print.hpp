// How Boost.Test prints the library's enums in failure messages.
#pragma once

#include <gioexport/download.hpp>
#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <ostream>

namespace gioexport {

inline std::ostream& boost_test_print_type(std::ostream& out, errc e)
{
    return out << errc_name(e);
}

inline std::ostream& boost_test_print_type(std::ostream& out, export_status s)
{
    return out << to_string(s);
}

inline std::ostream& boost_test_print_type(std::ostream& out, verification v)
{
    return out << to_string(v);
}

}  // namespace gioexport
