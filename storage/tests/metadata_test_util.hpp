#pragma once
// Helpers for the metadata store tests: a mkdtemp folder removed at scope exit, an opener
// that REQUIREs success, and raw SQLite access for building old or damaged files.

#include "tributary/storage/metadata/metadata_store.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tributary::storage::metadata::test {

/// A fresh folder under /tmp, removed with everything in it when the object dies.
class temp_dir {
public:
  temp_dir() {
    std::string tmpl = "/tmp/trib-meta-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  /// The usual database file of a node's data folder.
  std::string db() const { return file("metadata.db"); }

private:
  std::string path_;
};

/// Options with a fixed clock, so timestamps in assertions are known.
inline store_options fixed_clock_options(int64_t now = 1'000'000) {
  store_options o;
  o.now_ms = [now] { return now; };
  return o;
}

inline metadata_store open_ok(const std::string& path, const store_options& o = {}) {
  std::string why;
  auto store = metadata_store::open(path, o, &why);
  INFO(why);
  REQUIRE(store);
  return std::move(*store);
}

/// Runs SQL on the file through a separate raw connection (fixtures, inspection).
inline void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

/// One text value of a query on a raw connection.
inline std::string raw_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

/// A topic with `partitions` partitions on node 1 (replication factor 1).
inline new_topic simple_topic(std::string name, int32_t partitions) {
  new_topic t;
  t.name = std::move(name);
  t.partition_count = partitions;
  t.replication_factor = 1;
  for (int32_t i = 0; i < partitions; ++i)
    t.replica_assignment.push_back({node_id{1}});
  return t;
}

} // namespace tributary::storage::metadata::test
