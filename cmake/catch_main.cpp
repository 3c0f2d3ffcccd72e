// Catch2's runner, compiled once for all test binaries (it is the slowest TU to build).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
