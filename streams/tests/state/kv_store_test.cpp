// kv_store: the write-back cache, merged scans, flush + checkpoint, restore, wipe and the
// failures a task must be able to handle (a damaged file, a store held by someone else).
#include "tributary/streams/state/kv_store.hpp"
#include "tributary/streams/state/window_store.hpp"

#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <random>

using namespace tributary;
using namespace tributary::streams::state;
using tributary::streams::state::test::temp_dir;

namespace {

std::unique_ptr<kv_store> open_kv(const std::filesystem::path& file, std::size_t cache = 1 << 20) {
  auto s = kv_store::open(file, "counts", kv_store_options{cache});
  INFO((s ? std::string() : s.err().to_string()));
  REQUIRE(s);
  return std::move(*s);
}

std::optional<std::string> get(kv_store& s, std::string_view key) {
  auto v = s.get(key);
  REQUIRE(v);
  return *v;
}

std::vector<key_value> kvs(std::initializer_list<std::pair<const char*, const char*>> items) {
  std::vector<key_value> out;
  for (auto& [k, v] : items)
    out.push_back({k, v});
  return out;
}

} // namespace

TEST_CASE("kv_store puts, gets and deletes through the cache") {
  temp_dir dir;
  auto s = open_kv(dir / "app/0_1/counts.db");
  CHECK_FALSE(get(*s, "a"));
  s->put("a", std::string("1"));
  s->put("", std::string("empty key"));
  s->put("e", std::string()); // an empty value is a value, not a delete
  CHECK(get(*s, "a") == "1");
  CHECK(get(*s, "") == "empty key");
  CHECK(get(*s, "e") == "");
  s->put("a", std::string("2"));
  CHECK(get(*s, "a") == "2");
  s->remove("a");
  CHECK_FALSE(get(*s, "a"));
  REQUIRE(s->flush());
  CHECK_FALSE(get(*s, "a"));
  CHECK(get(*s, "e") == "");
  CHECK(s->approximate_entries() == 2);
}

TEST_CASE("kv_store scans merge unflushed writes and deletes over flushed rows") {
  temp_dir dir;
  auto s = open_kv(dir / "s.db");
  for (auto k : {"a", "b", "c", "d"})
    s->put(k, std::string("old-") + k);
  REQUIRE(s->flush());
  s->put("b", std::string("new-b")); // shadows a stored row
  s->remove("c");                    // hides a stored row
  s->put("bb", std::string("new-bb"));
  s->put("e", std::string("new-e"));
  s->remove("zz"); // a delete of nothing shows nowhere

  CHECK(*s->range("b", "d") == kvs({{"b", "new-b"}, {"bb", "new-bb"}, {"d", "old-d"}}));
  CHECK(*s->all() ==
        kvs({{"a", "old-a"}, {"b", "new-b"}, {"bb", "new-bb"}, {"d", "old-d"}, {"e", "new-e"}}));
  CHECK(*s->prefix_scan("b") == kvs({{"b", "new-b"}, {"bb", "new-bb"}}));
  CHECK(s->range("d", "b")->empty());

  std::vector<std::string> seen;
  auto stopped = s->scan(key_range{"a", std::nullopt, true}, [&](std::string_view k, auto) {
    seen.emplace_back(k);
    return seen.size() < 2;
  });
  REQUIRE(stopped);
  CHECK(seen == std::vector<std::string>{"a", "b"});

  SECTION("visitors may read and write but not flush, wipe, close or scan again") {
    auto r = s->scan(key_range{}, [&](std::string_view k, std::string_view) {
      CHECK(get(*s, k));
      s->put(std::string(k) + "-seen", std::string("1"));
      CHECK_FALSE(s->flush());
      CHECK_FALSE(s->wipe());
      CHECK_FALSE(s->all());
      s->close();
      return true;
    });
    CHECK(r);
    CHECK(get(*s, "a-seen") == "1");
    CHECK(s->flush());
  }
  SECTION("the same view after a flush, straight from SQLite") {
    REQUIRE(s->flush());
    s.reset();
    auto reopened = open_kv(dir / "s.db");
    CHECK(*reopened->range("b", "d") == kvs({{"b", "new-b"}, {"bb", "new-bb"}, {"d", "old-d"}}));
  }
}

TEST_CASE("kv_store prefix scans order keys bytewise, high bytes included") {
  temp_dir dir;
  auto s = open_kv(dir / "p.db");
  const std::string ff("\xff", 1), ffff("\xff\xff", 2), ff01("\xff\x01", 2);
  s->put(ff, std::string("1"));
  s->put(ffff, std::string("2"));
  s->put("\x7f", std::string("3"));
  REQUIRE(s->flush());
  s->put(ff01, std::string("4"));
  auto r = s->prefix_scan(ff);
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].key == ff);
  CHECK((*r)[1].key == ff01);
  CHECK((*r)[2].key == ffff);
  CHECK(s->all()->front().key == "\x7f");
}

TEST_CASE("kv_store flush returns the changes in key order and persists the checkpoint") {
  temp_dir dir;
  auto file = dir / "c.db";
  {
    auto s = open_kv(file);
    CHECK_FALSE(s->checkpoint());
    s->put("z", std::string("26"));
    s->put("a", std::string("1"));
    s->put("a", std::string("one")); // only the latest value of a key is flushed
    s->remove("m");
    CHECK(s->unflushed_count() == 3);
    auto changes = s->flush(42);
    REQUIRE(changes);
    CHECK(*changes == std::vector<change>{{"a", "one"}, {"m", std::nullopt}, {"z", "26"}});
    CHECK(s->checkpoint() == 42);
    CHECK(s->unflushed_count() == 0);
    CHECK(s->flush()->empty());
    CHECK(s->checkpoint() == 42); // no offset: the stored one stays
    s->close();
  }
  auto s = open_kv(file);
  CHECK(s->checkpoint() == 42);
  CHECK(get(*s, "a") == "one");
  CHECK(s->approximate_entries() == 2);
  REQUIRE(s->write_checkpoint(std::nullopt));
  s.reset();
  CHECK_FALSE(open_kv(file)->checkpoint());
}

TEST_CASE("kv_store drops unflushed writes on close") {
  temp_dir dir;
  {
    auto s = open_kv(dir / "d.db");
    s->put("kept", std::string("1"));
    REQUIRE(s->flush(1));
    s->put("lost", std::string("2"));
  }
  auto s = open_kv(dir / "d.db");
  CHECK(get(*s, "kept") == "1");
  CHECK_FALSE(get(*s, "lost"));
}

TEST_CASE("kv_store restore_batch applies changelog records and survives a reopen") {
  temp_dir dir;
  auto file = dir / "r.db";
  {
    auto s = open_kv(file);
    std::vector<change> batch{{"k1", "v1"}, {"k2", "v2"}, {"k1", std::nullopt}, {"k3", "v3"}};
    REQUIRE(s->restore_batch(batch, 100));
    REQUIRE(s->restore_batch({{"k3", "v3b"}}, 101));
    CHECK(s->checkpoint() == 101);
    CHECK(*s->all() == kvs({{"k2", "v2"}, {"k3", "v3b"}}));
    s->put("k4", std::string("v4"));
    auto refused = s->restore_batch({{"k5", "v5"}}, 102);
    REQUIRE_FALSE(refused);
    CHECK(refused.err().code == protocol::kafka_error::invalid_request);
    CHECK(s->checkpoint() == 101);
  }
  auto s = open_kv(file);
  CHECK(s->checkpoint() == 101);
  CHECK(*s->all() == kvs({{"k2", "v2"}, {"k3", "v3b"}}));
  CHECK(s->approximate_entries() == 2);
}

TEST_CASE("kv_store wipe discards cached and stored entries and the checkpoint") {
  temp_dir dir;
  auto s = open_kv(dir / "w.db");
  s->put("a", std::string("1"));
  REQUIRE(s->flush(5));
  s->put("b", std::string("2"));
  REQUIRE(s->wipe());
  CHECK(s->all()->empty());
  CHECK_FALSE(s->checkpoint());
  CHECK(s->approximate_entries() == 0);
  CHECK(s->flush()->empty());
  s.reset();
  auto reopened = open_kv(dir / "w.db");
  CHECK(reopened->all()->empty());
  CHECK_FALSE(reopened->checkpoint());
}

TEST_CASE("kv_store keeps dirty entries past its budget and asks for a flush") {
  temp_dir dir;
  auto s = open_kv(dir / "b.db", 2000);
  for (int i = 0; i < 100; ++i)
    s->put("key-" + std::to_string(i), std::string(50, 'v'));
  CHECK(s->needs_flush());
  CHECK(s->unflushed_count() == 100);
  auto changes = s->flush();
  REQUIRE(changes);
  CHECK(changes->size() == 100);
  CHECK_FALSE(s->needs_flush());
  for (int i = 0; i < 100; ++i) // clean entries were evicted: these reads go to SQLite
    CHECK(get(*s, "key-" + std::to_string(i)) == std::string(50, 'v'));
  CHECK(s->all()->size() == 100);
}

TEST_CASE("kv_store with no cache asks for a flush after every write") {
  temp_dir dir;
  auto s = open_kv(dir / "n.db", 0);
  CHECK_FALSE(s->needs_flush());
  s->put("a", std::string("1"));
  CHECK(s->needs_flush());
  REQUIRE(s->flush());
  CHECK_FALSE(s->needs_flush());
  CHECK(get(*s, "a") == "1");
}

TEST_CASE("kv_store open reports damaged, foreign or busy files as errors") {
  temp_dir dir;
  SECTION("not SQLite") {
    std::ofstream(dir / "junk.db") << std::string(4096, 'x');
    auto s = kv_store::open(dir / "junk.db", "junk");
    REQUIRE_FALSE(s);
    CHECK(s.err().code == protocol::kafka_error::kafka_storage_error);
    CHECK(s.err().message.find("junk.db") != std::string::npos);
  }
  SECTION("another program's SQLite database") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "other.db").string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto s = kv_store::open(dir / "other.db", "other");
    REQUIRE_FALSE(s);
    CHECK(s.err().message.find("not a Tributary state store") != std::string::npos);
  }
  SECTION("a window store's file") {
    REQUIRE(window_store::open(dir / "win.db", "win"));
    auto s = kv_store::open(dir / "win.db", "win");
    REQUIRE_FALSE(s);
    CHECK(s.err().message.find("'window' store") != std::string::npos);
  }
  SECTION("held by another open store") {
    auto first = open_kv(dir / "held.db");
    auto second = kv_store::open(dir / "held.db", "again");
    REQUIRE_FALSE(second);
    CHECK(second.err().code == protocol::kafka_error::kafka_storage_error);
    first.reset();
    CHECK(kv_store::open(dir / "held.db", "again"));
  }
  SECTION("a closed store refuses work") {
    auto s = open_kv(dir / "closed.db");
    s->close();
    CHECK_FALSE(s->get("a"));
    CHECK_FALSE(s->flush());
  }
}

TEST_CASE("kv_store agrees with a std::map model through random writes, flushes and scans") {
  temp_dir dir;
  auto s = open_kv(dir / "m.db", 600); // a few entries: constant eviction
  std::map<std::string, std::string> model;
  std::mt19937 rng(7);
  auto key = [&] {
    return std::string(1, static_cast<char>('a' + rng() % 12)) + (rng() % 2 ? "x" : "");
  };
  for (int step = 0; step < 3000; ++step) {
    int op = static_cast<int>(rng() % 10);
    if (op < 4) {
      auto k = key();
      auto v = std::to_string(step);
      s->put(k, v);
      model[k] = v;
    } else if (op < 6) {
      auto k = key();
      s->remove(k);
      model.erase(k);
    } else if (op < 7) {
      REQUIRE(s->flush(step));
    } else if (op < 9) {
      auto k = key();
      auto it = model.find(k);
      CHECK(get(*s, k) == (it == model.end() ? std::nullopt : std::optional(it->second)));
    } else {
      auto from = key(), to = key();
      std::vector<key_value> expected;
      for (auto it = model.lower_bound(from); it != model.end() && it->first <= to; ++it)
        expected.push_back({it->first, it->second});
      CHECK(*s->range(from, to) == expected);
    }
  }
  REQUIRE(s->flush());
  s.reset();
  auto reopened = open_kv(dir / "m.db");
  std::vector<key_value> expected;
  for (auto& [k, v] : model)
    expected.push_back({k, v});
  CHECK(*reopened->all() == expected);
  CHECK(reopened->approximate_entries() == static_cast<int64_t>(model.size()));
}
