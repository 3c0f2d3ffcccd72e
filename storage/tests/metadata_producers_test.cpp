// metadata_store: producer id allocation and transactional producers.
#include "metadata_test_util.hpp"

using namespace tributary;
using namespace tributary::storage::metadata;
using namespace tributary::storage::metadata::test;

TEST_CASE("producer ids are never handed out twice, also across reopen", "[metadata]") {
  temp_dir dir;
  int64_t last = -1;
  for (int round = 0; round < 3; ++round) {
    auto store = open_ok(dir.db());
    for (int32_t count : {1, 10, 1000}) {
      auto block = store.allocate_producer_ids(count);
      REQUIRE(block);
      CHECK(block->count == count);
      CHECK(block->first.value == last + 1);
      last = block->first.value + count - 1;
    }
  }
  auto store = open_ok(dir.db());
  CHECK(store.allocate_producer_ids(0).error() == errc::invalid_argument);
}

TEST_CASE("a transactional producer is stored, read, replaced and deleted", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db(), fixed_clock_options(77));
  transactional_producer p{"tx-1", producer_id{42}, producer_epoch{3}, 30000};
  REQUIRE(store.put_transactional_producer(p));
  auto got = store.get_transactional_producer("tx-1");
  REQUIRE(got);
  CHECK(*got == p);
  CHECK(got->updated_ms == 77);
  p.epoch = producer_epoch{4};
  REQUIRE(store.put_transactional_producer(p));
  CHECK(store.get_transactional_producer("tx-1")->epoch == producer_epoch{4});
  REQUIRE(store.delete_transactional_producer("tx-1"));
  CHECK(store.get_transactional_producer("tx-1").error() == errc::unknown_transactional_id);
  CHECK(store.delete_transactional_producer("tx-1").error() == errc::unknown_transactional_id);
}

TEST_CASE("init_transactional_producer allocates once, then bumps the epoch", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto first = store.init_transactional_producer("tx", 60000);
  REQUIRE(first);
  CHECK(first->epoch == producer_epoch{0});
  auto second = store.init_transactional_producer("tx", 60000);
  REQUIRE(second);
  CHECK(second->id == first->id);
  CHECK(second->epoch == producer_epoch{1});
  // The allocation counter moved past the registered id.
  CHECK(store.allocate_producer_ids(1)->first.value > first->id.value);
}

TEST_CASE("an exhausted epoch gets a fresh producer id at epoch 0", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  transactional_producer p{"tx", producer_id{5}, producer_epoch{32766}, 1000};
  REQUIRE(store.put_transactional_producer(p));
  auto next = store.init_transactional_producer("tx", 1000);
  REQUIRE(next);
  CHECK(next->id != producer_id{5});
  CHECK(next->epoch == producer_epoch{0});
}
