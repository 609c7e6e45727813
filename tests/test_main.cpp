// The one translation unit that holds Boost.Test's main().
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE gioexport
#include <boost/test/unit_test.hpp>
