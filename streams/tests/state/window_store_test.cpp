// window_store: windows through the cache, merged time-range reads, sessions, expiry, the
// changelog key encoding, flush + restore and damaged files.
#include "tributary/streams/state/window_store.hpp"

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <random>
#include <tuple>

using namespace tributary;
using namespace tributary::streams::state;
using tributary::streams::state::test::temp_dir;

namespace {

std::unique_ptr<window_store> open_ws(const std::filesystem::path& file,
                                      std::size_t cache = 1 << 20) {
  auto s = window_store::open(file, "windowed-counts", window_store_options{cache});
  INFO((s ? std::string() : s.err().to_string()));
  REQUIRE(s);
  return std::move(*s);
}

std::vector<std::tuple<std::string, int64_t, int64_t, std::string>>
rows(const client::outcome<std::vector<window_entry>>& r) {
  REQUIRE(r);
  std::vector<std::tuple<std::string, int64_t, int64_t, std::string>> out;
  for (auto& e : *r)
    out.emplace_back(e.key, e.start, e.end, e.value);
  return out;
}

using row = std::tuple<std::string, int64_t, int64_t, std::string>;

} // namespace

TEST_CASE("window keys encode as key, big-endian start, big-endian end and decode back") {
  auto bytes = encode_window_key("k", 1, -1);
  CHECK(bytes == std::string("k\0\0\0\0\0\0\0\x01\xff\xff\xff\xff\xff\xff\xff\xff", 17));
  for (auto w : {window_key{"", 0, 0}, window_key{std::string("a\0b", 3), -5, 7},
                 window_key{"user-42", 1700000000000, 1700000060000},
                 window_key{"x", INT64_MIN, INT64_MAX}}) {
    auto d = decode_window_key(encode_window_key(w));
    REQUIRE(d);
    CHECK(*d == w);
  }
  auto bad = decode_window_key("short");
  REQUIRE_FALSE(bad);
  CHECK(bad.err().code == protocol::kafka_error::corrupt_message);
}

TEST_CASE("window_store gets, puts and deletes single windows") {
  temp_dir dir;
  auto s = open_ws(dir / "app/1_0/w.db");
  CHECK_FALSE(*s->get("k", 0, 10));
  s->put("k", 0, 10, std::string("1"));
  s->put("k", 10, 20, std::string("2"));
  CHECK(*s->get("k", 0, 10) == "1");
  CHECK_FALSE(*s->get("k", 0, 11));
  CHECK(*s->fetch("k", 10) == "2");
  REQUIRE(s->flush());
  CHECK(*s->fetch("k", 0) == "1");
  s->put("k", 0, 10, std::nullopt);
  CHECK_FALSE(*s->get("k", 0, 10));
  CHECK_FALSE(*s->fetch("k", 0)); // the unflushed delete hides the stored row
  REQUIRE(s->flush());
  CHECK_FALSE(*s->fetch("k", 0));
  CHECK(s->approximate_entries() == 1);
}

TEST_CASE("window_store fetch by time merges unflushed windows over stored ones") {
  temp_dir dir;
  auto s = open_ws(dir / "f.db");
  for (int64_t t : {0, 10, 20, 30}) {
    s->put("k", t, t + 10, "v" + std::to_string(t));
    s->put("j", t, t + 10, "j" + std::to_string(t));
  }
  s->put("kk", 10, 20, std::string("kk10"));
  REQUIRE(s->flush());
  s->put("k", 10, 20, std::string("new10")); // replaces a stored window
  s->put("k", 20, 30, std::nullopt);         // deletes one
  s->put("k", 15, 25, std::string("new15")); // adds one
  CHECK(rows(s->fetch("k", 10, 30)) ==
        std::vector<row>{{"k", 10, 20, "new10"}, {"k", 15, 25, "new15"}, {"k", 30, 40, "v30"}});
  CHECK(rows(s->fetch("k", 11, 14)).empty());
  CHECK(rows(s->fetch("k", 30, 10)).empty());
  CHECK(*s->fetch("k", 20) == std::nullopt);
  CHECK(rows(s->fetch_all(10, 15)) == std::vector<row>{{"j", 10, 20, "j10"},
                                                       {"k", 10, 20, "new10"},
                                                       {"k", 15, 25, "new15"},
                                                       {"kk", 10, 20, "kk10"}});
  REQUIRE(s->flush());
  s.reset();
  auto reopened = open_ws(dir / "f.db");
  CHECK(rows(reopened->fetch("k", 10, 30)) ==
        std::vector<row>{{"k", 10, 20, "new10"}, {"k", 15, 25, "new15"}, {"k", 30, 40, "v30"}});
}

TEST_CASE("window_store finds the sessions a record merges with") {
  temp_dir dir;
  auto s = open_ws(dir / "s.db");
  s->put("u", 0, 5, std::string("a"));
  s->put("u", 10, 15, std::string("b"));
  s->put("other", 10, 15, std::string("x"));
  REQUIRE(s->flush());
  s->put("u", 30, 40, std::string("c"));
  s->put("u", 50, 60, std::string("d"));
  s->put("u", 20, 22, std::string("e"));
  s->put("u", 20, 22, std::nullopt);
  // a record at 25 with a 10 ms gap merges sessions ending at >= 15 and starting at <= 35
  CHECK(rows(s->find_sessions("u", 15, 35)) ==
        std::vector<row>{{"u", 10, 15, "b"}, {"u", 30, 40, "c"}});
  CHECK(*s->fetch("u", 10) == "b");
  CHECK(rows(s->find_sessions("u", 61, 100)).empty());
  CHECK(rows(s->find_sessions("nobody", 0, 100)).empty());
}

TEST_CASE("window_store expire_before drops ended windows from cache and SQLite") {
  temp_dir dir;
  auto file = dir / "e.db";
  {
    auto s = open_ws(file);
    s->put("k", 0, 10, std::string("stored-old"));
    s->put("k", 20, 30, std::string("stored-new"));
    REQUIRE(s->flush(3));
    CHECK(*s->get("k", 0, 10) == "stored-old"); // now also a clean cache entry
    s->put("j", 5, 15, std::string("cached-old"));
    s->put("j", 25, 35, std::string("cached-new"));
    CHECK(s->approximate_entries() == 4);
    REQUIRE(s->expire_before(16));
    CHECK_FALSE(*s->get("k", 0, 10));
    CHECK_FALSE(*s->get("j", 5, 15));
    CHECK(rows(s->fetch_all(0, 100)) ==
          std::vector<row>{{"j", 25, 35, "cached-new"}, {"k", 20, 30, "stored-new"}});
    CHECK(s->unflushed_count() == 1);
    CHECK(s->approximate_entries() == 2);
    REQUIRE(s->expire_before(16)); // nothing more to drop
    REQUIRE(s->expire_before(10));
    s->put("late", 0, 1, std::string("after expiry")); // the caller's choice to write it
    REQUIRE(s->expire_before(17));
    CHECK_FALSE(*s->get("late", 0, 1));
    REQUIRE(s->flush(4));
  }
  auto s = open_ws(file);
  CHECK(rows(s->fetch_all(0, 100)) ==
        std::vector<row>{{"j", 25, 35, "cached-new"}, {"k", 20, 30, "stored-new"}});
  CHECK(s->approximate_entries() == 2);
  REQUIRE(s->expire_before(1000));
  CHECK(rows(s->fetch_all(0, 100)).empty());
  CHECK(s->approximate_entries() == 0);
}

TEST_CASE("window_store flush emits encoded keys that restore_batch replays elsewhere") {
  temp_dir dir;
  auto source = open_ws(dir / "src.db");
  source->put("k", 0, 10, std::string("1"));
  source->put("k", 10, 20, std::string("2"));
  REQUIRE(source->flush(7));
  source->put("k", 0, 10, std::nullopt);
  source->put(std::string("b\0y", 3), -20, -10, std::string("negative time"));
  auto second = source->flush(9);
  REQUIRE(second);
  REQUIRE(second->size() == 2);
  CHECK((*second)[0].key == encode_window_key(std::string("b\0y", 3), -20, -10));
  CHECK((*second)[1] == change{encode_window_key("k", 0, 10), std::nullopt});

  {
    auto replica = open_ws(dir / "replica.db");
    REQUIRE(replica->restore_batch(
        {{encode_window_key("k", 0, 10), "1"}, {encode_window_key("k", 10, 20), "2"}}, 8));
    REQUIRE(replica->restore_batch(*second, 10));
    auto corrupt = replica->restore_batch({{encode_window_key("z", 1, 2), "x"}, {"bad", "y"}}, 11);
    REQUIRE_FALSE(corrupt);
    CHECK(corrupt.err().code == protocol::kafka_error::corrupt_message);
    CHECK_FALSE(*replica->get("z", 1, 2)); // the whole batch was rolled back
    CHECK(replica->checkpoint() == 10);
  }
  auto replica = open_ws(dir / "replica.db");
  CHECK(replica->checkpoint() == 10);
  CHECK(rows(replica->fetch_all(-100, 100)) == rows(source->fetch_all(-100, 100)));
  CHECK(replica->approximate_entries() == 2);
}

TEST_CASE("window_store wipe and damaged files") {
  temp_dir dir;
  SECTION("wipe") {
    auto s = open_ws(dir / "w.db");
    s->put("k", 0, 10, std::string("1"));
    REQUIRE(s->flush(1));
    s->put("k", 10, 20, std::string("2"));
    REQUIRE(s->wipe());
    CHECK(rows(s->fetch_all(0, 100)).empty());
    CHECK_FALSE(s->checkpoint());
    CHECK(s->unflushed_count() == 0);
    REQUIRE(s->expire_before(5));
  }
  SECTION("not SQLite") {
    std::ofstream(dir / "junk.db") << std::string(100, '\0') << "not a database";
    auto s = window_store::open(dir / "junk.db", "junk");
    REQUIRE_FALSE(s);
    CHECK(s.err().code == protocol::kafka_error::kafka_storage_error);
  }
  SECTION("a truncated store file") {
    {
      auto s = open_ws(dir / "t.db");
      for (int i = 0; i < 2000; ++i)
        s->put("key-" + std::to_string(i), i, i + 1, std::string(100, 'x'));
      REQUIRE(s->flush());
    }
    auto size = std::filesystem::file_size(dir / "t.db");
    REQUIRE(size > 8192);
    std::filesystem::resize_file(dir / "t.db", size / 3);
    auto s = window_store::open(dir / "t.db", "t");
    if (s) { // SQLite notices missing pages when it reads them
      auto all = (*s)->fetch_all(0, 5000);
      CHECK_FALSE(all);
    }
  }
}

TEST_CASE("window_store agrees with a std::map model through random writes and expiry") {
  temp_dir dir;
  auto s = open_ws(dir / "m.db", 1000);
  std::map<std::tuple<std::string, int64_t, int64_t>, std::string> model;
  std::mt19937 rng(11);
  int64_t expired = 0;
  for (int step = 0; step < 3000; ++step) {
    std::string key(1, static_cast<char>('a' + rng() % 5));
    int64_t start = expired + static_cast<int64_t>(rng() % 50);
    int64_t end = start + 1 + static_cast<int64_t>(rng() % 20);
    int op = static_cast<int>(rng() % 20);
    if (op < 8) {
      s->put(key, start, end, std::to_string(step));
      model[{key, start, end}] = std::to_string(step);
    } else if (op < 10) {
      s->put(key, start, end, std::nullopt);
      model.erase({key, start, end});
    } else if (op < 12) {
      REQUIRE(s->flush(step));
    } else if (op < 13) {
      expired += 5;
      REQUIRE(s->expire_before(expired));
      for (auto it = model.begin(); it != model.end();)
        it = std::get<2>(it->first) < expired ? model.erase(it) : std::next(it);
    } else if (op < 17) {
      auto it = model.find({key, start, end});
      CHECK(*s->get(key, start, end) ==
            (it == model.end() ? std::nullopt : std::optional(it->second)));
    } else {
      std::vector<row> expected;
      for (auto& [w, v] : model)
        if (std::get<0>(w) == key && std::get<1>(w) >= start && std::get<1>(w) <= start + 10)
          expected.emplace_back(std::get<0>(w), std::get<1>(w), std::get<2>(w), v);
      CHECK(rows(s->fetch(key, start, start + 10)) == expected);
    }
  }
  REQUIRE(s->flush());
  s.reset();
  auto reopened = open_ws(dir / "m.db");
  std::vector<row> expected;
  for (auto& [w, v] : model)
    expected.emplace_back(std::get<0>(w), std::get<1>(w), std::get<2>(w), v);
  CHECK(rows(reopened->fetch_all(INT64_MIN, INT64_MAX)) == expected);
  CHECK(reopened->approximate_entries() == static_cast<int64_t>(model.size()));
}
