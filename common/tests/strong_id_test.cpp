#include "tributary/common/strong_id.hpp"

#include <catch2/catch.hpp>
#include <type_traits>
#include <unordered_set>

using namespace tributary;

TEST_CASE("strong ids do not convert into each other") {
  STATIC_REQUIRE_FALSE(std::is_convertible_v<partition_id, node_id>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<int64_t, offset>);
  offset o{10};
  CHECK((o + 5).value == 15);
  CHECK((offset{20} - o) == 10);
  CHECK(offset{1} < offset{2});
  std::unordered_set<partition_id> set{partition_id{1}, partition_id{1}, partition_id{2}};
  CHECK(set.size() == 2);
}
