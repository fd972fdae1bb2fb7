// Asio and Beast are compiled once, here (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION are set on this target and everyone who links it), which
// keeps every other translation unit that includes them cheap.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
