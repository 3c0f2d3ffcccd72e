// Group commit: flush tickets, the flush policy, checkpoints and clean shutdown.
#include "log_test_util.hpp"

#include "tributary/storage/errc.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

TEST_CASE("a flush ticket runs on another thread and then advances the recovery point") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  for (int i = 0; i < 10; ++i) {
    auto b = one_batch(3, 10, 1000);
    REQUIRE((*log)->append(b.data(), b.size(), epoch{0}));
  }
  auto ticket = (*log)->prepare_flush();
  REQUIRE(ticket);
  CHECK(ticket->target() == offset{30});
  CHECK((*log)->prepare_flush().error() == make_error_code(errc::flush_in_progress));
  auto more = one_batch(3, 10, 1000); // appends continue while the fsync runs
  REQUIRE((*log)->append(more.data(), more.size(), epoch{0}));
  bool ok = false;
  std::thread t([&] { ok = static_cast<bool>(ticket->execute()); });
  t.join();
  CHECK(ok);
  CHECK((*log)->recovery_point() == offset{0});
  (*log)->complete_flush(*ticket);
  CHECK((*log)->recovery_point() == offset{30});
  std::ifstream cp(d.sub("recovery-point-offset-checkpoint"));
  std::string text((std::istreambuf_iterator<char>(cp)), std::istreambuf_iterator<char>());
  CHECK(text == "0\n1\nlog 30\n");
  REQUIRE((*log)->flush());
  CHECK((*log)->recovery_point() == offset{33});
}

TEST_CASE("flush.messages and flush.ms tell the owner when a flush is due") {
  temp_dir d;
  manual_clock clock;
  log_options o;
  o.flush_messages = 5;
  o.flush_ms = 1000;
  auto log = partition_log::open(d.path, o, clock.fn());
  REQUIRE(log);
  auto b = one_batch(3, 10, 1000);
  auto r = (*log)->append(b.data(), b.size(), epoch{0});
  CHECK_FALSE(r->is_flush_due);
  *clock.now += 1000;
  CHECK((*log)->is_flush_due());
  REQUIRE((*log)->flush());
  CHECK_FALSE((*log)->is_flush_due());
  auto b2 = one_batch(5, 10, 1000);
  CHECK((*log)->append(b2.data(), b2.size(), epoch{0})->is_flush_due);
}

TEST_CASE("a clean close and reopen keeps every batch, indexes and the log start") {
  temp_dir d;
  log_options o;
  o.segment_bytes = 1500;
  o.index_interval_bytes = 100;
  {
    auto log = partition_log::open(d.path, o);
    REQUIRE(log);
    for (int i = 0; i < 30; ++i) {
      auto b = one_batch(2, 40, 1000 + i);
      REQUIRE((*log)->append(b.data(), b.size(), epoch{0}));
    }
    REQUIRE((*log)->delete_records_before(offset{3}));
    REQUIRE((*log)->close());
    CHECK(file_exists(d.sub(".clean_shutdown")));
  }
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  CHECK_FALSE(file_exists(d.sub(".clean_shutdown")));
  CHECK((*log)->log_end_offset() == offset{60});
  CHECK((*log)->log_start_offset() == offset{3});
  CHECK((*log)->recovery_point() == offset{60});
  std::vector<std::byte> out;
  auto r = (*log)->read_copy(offset{41}, 1, offset{60}, out);
  REQUIRE(r);
  CHECK(r->ranges[0].first_offset == offset{40});
  CHECK(**(*log)->offset_for_timestamp(1020) == offset{39}); // batch 38..39 holds 1019, 1020
}

TEST_CASE("a second open of the same folder is refused while the first is open") {
  temp_dir d;
  auto a = partition_log::open(d.path, log_options{});
  REQUIRE(a);
  auto b = partition_log::open(d.path, log_options{});
  CHECK_FALSE(b);
}

TEST_CASE("a failed fsync takes the log offline: the recovery point never advances, writes and "
          "flushes fail with log_failed, reads go on") {
  temp_dir d;
  auto log = std::move(*partition_log::open(d.path, log_options{}));
  auto b = one_batch(3, 10, 1000);
  REQUIRE(log->append(b.data(), b.size(), epoch{0}));
  REQUIRE(log->flush());
  REQUIRE(log->recovery_point() == offset{3});
  auto more = one_batch(4, 10, 1000);
  REQUIRE(log->append(more.data(), more.size(), epoch{0}));

  auto ticket = log->prepare_flush();
  REQUIRE(ticket);
  ticket->fail_sync_for_test(); // fdatasync reports EIO once; the kernel dropped the pages
  CHECK(ticket->execute().error() == make_error_code(errc::io_error));
  CHECK(ticket->is_failed());
  log->complete_flush(*ticket);
  CHECK(log->is_failed());
  CHECK(log->recovery_point() == offset{3});

  // A retried fsync would "succeed" on Linux; the log must not get that far.
  CHECK(log->prepare_flush().error() == make_error_code(errc::log_failed));
  CHECK(log->flush().error() == make_error_code(errc::log_failed));
  CHECK(log->recovery_point() == offset{3});
  auto third = one_batch(1, 10, 1000);
  CHECK(log->append(third.data(), third.size(), epoch{0}).error() ==
        make_error_code(errc::log_failed));
  CHECK(log->log_end_offset() == offset{7});
  // Nothing else changes the files of an offline log either.
  CHECK(log->apply_retention(0).error() == make_error_code(errc::log_failed));
  CHECK(log->delete_records_before(offset{1}).error() == make_error_code(errc::log_failed));
  CHECK(log->truncate_to(offset{1}).error() == make_error_code(errc::log_failed));
  CHECK(log->log_start_offset() == offset{0});

  std::vector<std::byte> out;
  auto r = log->read_copy(offset{0}, 1 << 20, log->recovery_point(), out);
  REQUIRE(r);
  CHECK(out.size() == b.size());

  CHECK(log->close().error() == make_error_code(errc::log_failed));
  CHECK_FALSE(file_exists(d.sub(".clean_shutdown")));
  std::ifstream cp(d.sub("recovery-point-offset-checkpoint"));
  std::string text((std::istreambuf_iterator<char>(cp)), std::istreambuf_iterator<char>());
  CHECK(text.substr(text.rfind(' ')) == " 3\n");
}
