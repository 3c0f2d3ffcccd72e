// Unit tests of partition_log: append, read, roll, lookup, flush tickets.
#include "log_test_util.hpp"

#include "tributary/protocol/batch_header.hpp"
#include "tributary/storage/errc.hpp"

#include <catch2/catch.hpp>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

TEST_CASE("append assigns consecutive offsets and read returns the batches") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  auto b1 = one_batch(3, 10, 1000);
  auto r1 = (*log)->append(b1.data(), b1.size(), epoch{7});
  REQUIRE(r1);
  CHECK(r1->base_offset == offset{0});
  CHECK(r1->last_offset == offset{2});
  auto b2 = one_batch(2, 10, 2000);
  auto r2 = (*log)->append(b2.data(), b2.size(), epoch{7});
  REQUIRE(r2);
  CHECK(r2->base_offset == offset{3});
  CHECK((*log)->log_end_offset() == offset{5});
  std::vector<std::byte> out;
  auto rd = (*log)->read_copy(offset{3}, 1 << 20, offset{5}, out);
  REQUIRE(rd);
  REQUIRE(out.size() == b2.size());
  auto h = protocol::validate_batch(out.data(), out.size());
  REQUIRE(h);
  CHECK(h->base_offset == 3);
  CHECK(h->partition_leader_epoch == 7);
}
