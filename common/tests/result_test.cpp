#include "tributary/common/result.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace tributary;

namespace {
result<int> parse_positive(int v) {
  if (v <= 0)
    return unexpected(std::make_error_code(std::errc::invalid_argument));
  return v;
}
result<std::string> twice(int v) {
  TRIB_TRY(parse_positive(v));
  return std::to_string(v * 2);
}
} // namespace

TEST_CASE("result carries a value or an error code") {
  auto ok = parse_positive(3);
  REQUIRE(ok);
  CHECK(*ok == 3);
  auto bad = parse_positive(-1);
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == std::errc::invalid_argument);
  CHECK(bad.value_or(7) == 7);
}

TEST_CASE("TRIB_TRY propagates the first error") {
  CHECK(*twice(4) == "8");
  auto r = twice(0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == std::errc::invalid_argument);
}

TEST_CASE("result<void> is success by default") {
  result<void> ok;
  CHECK(ok);
  result<void> bad = unexpected(std::make_error_code(std::errc::io_error));
  CHECK_FALSE(bad);
  CHECK(bad.error() == std::errc::io_error);
}
