// The one Boost.Test entry point linked into every test_<area> executable.
#define BOOST_TEST_MODULE gongkai
#include <boost/test/unit_test.hpp>
