// metadata_store::open: damaged, foreign, newer and older files; locks; closed stores.
#include "metadata_test_util.hpp"

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace tributary;
using namespace tributary::storage::metadata;
using namespace tributary::storage::metadata::test;

namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Opening must fail with `code`, and the explanation must name the file.
std::string refused(const std::string& path, errc code, const store_options& o = {}) {
  std::string why;
  auto store = metadata_store::open(path, o, &why);
  INFO(why);
  REQUIRE_FALSE(store);
  CHECK(store.error() == code);
  CHECK_THAT(why, Catch::Contains(path));
  return why;
}

} // namespace

TEST_CASE("a file that is not SQLite is refused with its path and what to do", "[metadata]") {
  temp_dir dir;
  write_file(dir.db(), std::string(8192, 'x'));
  auto why = refused(dir.db(), errc::not_a_database);
  CHECK_THAT(why, Catch::Contains("restore it from a backup"));
}

TEST_CASE("a truncated database is refused", "[metadata]") {
  temp_dir dir;
  {
    auto store = open_ok(dir.db());
    for (int i = 0; i < 40; ++i)
      REQUIRE(store.create_topic(simple_topic("topic-" + std::to_string(i), 8)));
  }
  raw_exec(dir.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
  auto size = std::filesystem::file_size(dir.db());
  REQUIRE(size > 4 * 4096);
  std::filesystem::resize_file(dir.db(), size / 2);
  refused(dir.db(), errc::not_a_database);
}

TEST_CASE("a database of another application is refused", "[metadata]") {
  temp_dir dir;
  raw_exec(dir.db(), "CREATE TABLE notes (x TEXT)");
  refused(dir.db(), errc::foreign_database);
  temp_dir other;
  raw_exec(other.db(), "PRAGMA application_id = 1234; CREATE TABLE notes (x TEXT)");
  refused(other.db(), errc::foreign_database);
}

TEST_CASE("a database with a newer schema is refused and left untouched", "[metadata]") {
  temp_dir dir;
  { auto store = open_ok(dir.db()); }
  raw_exec(dir.db(), "PRAGMA user_version = 99");
  auto why = refused(dir.db(), errc::schema_too_new);
  CHECK_THAT(why, Catch::Contains("99"));
  CHECK(raw_query(dir.db(), "PRAGMA user_version") == "99");
}

TEST_CASE("a missing file, a folder or an unwritable file cannot be opened", "[metadata]") {
  temp_dir dir;
  store_options no_create;
  no_create.create_if_missing = false;
  refused(dir.db(), errc::cannot_open, no_create);
  CHECK_FALSE(std::filesystem::exists(dir.db()));
  refused(dir.file("no/such/folder/metadata.db"), errc::cannot_open);
  std::filesystem::create_directory(dir.file("a-folder"));
  std::string why;
  CHECK_FALSE(metadata_store::open(dir.file("a-folder"), {}, &why));
  CHECK_THAT(why, Catch::Contains(dir.file("a-folder")));
  if (geteuid() != 0) { // root ignores file permissions
    { auto store = open_ok(dir.db()); }
    ::chmod(dir.db().c_str(), 0);
    refused(dir.db(), errc::cannot_open);
    ::chmod(dir.db().c_str(), 0600);
  }
}

TEST_CASE("a version 1 database is upgraded to the latest schema keeping its data", "[metadata]") {
  temp_dir dir;
  {
    store_options v1;
    v1.target_schema_version = 1;
    auto store = open_ok(dir.db(), v1);
    CHECK(store.schema_version() == 1);
    REQUIRE(store.create_topic(simple_topic("orders", 2)));
  }
  // What a v1 node wrote: an offset row without the v2 expire_ms column.
  CHECK(raw_query(dir.db(), "SELECT count(*) FROM pragma_table_info('offsets') "
                            "WHERE name = 'expire_ms'") == "0");
  raw_exec(dir.db(), "INSERT INTO consumer_groups VALUES ('g', 'Empty', '', NULL, 0, NULL, 1);"
                     "INSERT INTO offsets VALUES ('g', 'orders', 1, 42, 3, 'meta', 500);");
  auto store = open_ok(dir.db());
  CHECK(store.schema_version() == metadata_store::k_latest_schema_version);
  CHECK(raw_query(dir.db(), "PRAGMA user_version") ==
        std::to_string(metadata_store::k_latest_schema_version));
  auto offsets = store.fetch_offsets("g");
  REQUIRE(offsets);
  REQUIRE(offsets->size() == 1);
  CHECK(offsets->at(0).committed == offset{42});
  CHECK(offsets->at(0).leader_epoch == epoch{3});
  CHECK_FALSE(offsets->at(0).expire_ms);
  CHECK(store.get_topic("orders")->partition_count == 2);
  CHECK(store.allocate_producer_ids(5)->first == producer_id{0});
  CHECK(store.check_integrity());
}

TEST_CASE("reopening a database at the latest schema keeps its version", "[metadata]") {
  temp_dir dir;
  { auto store = open_ok(dir.db()); }
  auto store = open_ok(dir.db());
  CHECK(store.schema_version() == metadata_store::k_latest_schema_version);
}

TEST_CASE("a lock held by another connection ends in errc::busy after the retries", "[metadata]") {
  temp_dir dir;
  store_options quick;
  quick.busy_timeout = std::chrono::milliseconds(5);
  quick.busy_retries = 2;
  quick.retry_backoff = std::chrono::milliseconds(1);
  auto store = open_ok(dir.db(), quick);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(dir.db().c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto r = store.create_topic(simple_topic("orders", 1));
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::busy);
  CHECK_THAT(store.last_error(), Catch::Contains(dir.db()));
  // Readers are not blocked by a writer in WAL mode.
  CHECK(store.list_topics());
  REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  CHECK(store.create_topic(simple_topic("orders", 1)));
}

TEST_CASE("a closed or moved-from store fails with store_closed", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto moved = std::move(store);
  CHECK(moved.list_topics());
  CHECK(store.list_topics().error() == errc::store_closed); // NOLINT(bugprone-use-after-move)
  moved.close();
  CHECK_FALSE(moved.is_open());
  CHECK(moved.get_topic("x").error() == errc::store_closed);
}

TEST_CASE("errors print their meaning through the metadata category", "[metadata]") {
  std::error_code ec = errc::schema_too_new;
  CHECK(ec.category().name() == std::string("tributary.storage.metadata"));
  CHECK_THAT(ec.message(), Catch::Contains("newer Tributary"));
}
