// The one translation unit that contains Boost.Test's main(). Meson's Boost
// dependency defines BOOST_TEST_DYN_LINK for the shared Boost.Test library.
#define BOOST_TEST_MODULE gioexport
#include <boost/test/unit_test.hpp>
