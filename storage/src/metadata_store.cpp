// metadata_store: open (pragmas, checks, migrations, cluster id), lifetime, and the cluster
// table (cluster id, nodes). Topics, groups, offsets and producer ids live in their own files.
#include "tributary/storage/metadata/metadata_store.hpp"

#include "metadata_context.hpp"
#include "metadata_schema.hpp"
#include "sqlite_db.hpp"

#include <spdlog/spdlog.h>

namespace tributary::storage::metadata {

using detail::call_context;
using detail::sqlite_db;

namespace {

int64_t system_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Durability choice, see store_options.hpp and storage/README.md. WAL is what makes a
// commit survive kill -9 with either setting: the commit is in the -wal file before
// sqlite3_step returns, and the next open replays it.
const char* synchronous_pragma(synchronous_mode m) {
  return m == synchronous_mode::full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
}

result<void> configure(sqlite_db& db, const store_options& options, std::string& why) {
  // journal_mode is the first statement to read the file: a non-SQLite file fails here.
  auto mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!mode) {
    why = db.last_error();
    return unexpected(mode.error());
  }
  if (mode.value() != "wal") {
    why = "SQLite refused WAL mode (journal_mode stays '" + mode.value() + "')";
    return unexpected(errc::internal);
  }
  for (const char* pragma : {synchronous_pragma(options.synchronous), "PRAGMA foreign_keys = ON"})
    if (auto r = db.exec(pragma); !r) {
      why = db.last_error();
      return r;
    }
  return {};
}

// PRAGMA quick_check / integrity_check: one row "ok", or rows describing the damage.
result<void> run_check(sqlite_db& db, const char* pragma, std::string& findings) {
  auto st = db.prepare(pragma);
  if (!st)
    return unexpected(st.error());
  std::string all;
  int rows = 0;
  for (;;) {
    auto row = st->step();
    if (!row)
      return unexpected(row.error());
    if (!*row)
      break;
    if (++rows <= 3)
      all += (all.empty() ? "" : "; ") + st->text(0);
  }
  if (rows == 1 && all == "ok")
    return {};
  findings = "integrity check found: " + all;
  return unexpected(errc::not_a_database);
}

result<std::string> load_or_create_cluster_id(sqlite_db& db, int64_t now) {
  return db.write([&]() -> result<std::string> {
    auto ins = db.prepare("INSERT INTO cluster (singleton, cluster_id, created_ms) "
                          "VALUES (1, ?, ?) ON CONFLICT (singleton) DO NOTHING");
    if (!ins)
      return unexpected(ins.error());
    TRIB_TRY(ins->bind(1, detail::random_uuid()).bind(2, now).run());
    return db.query_text("SELECT cluster_id FROM cluster WHERE singleton = 1");
  });
}

} // namespace

result<metadata_store> metadata_store::open(const std::string& path, const store_options& options,
                                            std::string* diagnostic) {
  std::string why;
  auto refuse = [&](std::error_code code) -> unexpected {
    auto message =
        "metadata database '" + path + "': " + why + std::string(detail::advice_for(code));
    spdlog::error("storage: {}", message);
    if (diagnostic)
      *diagnostic = std::move(message);
    return unexpected(code);
  };
  detail::connection_options co{options.create_if_missing, options.busy_timeout,
                                options.busy_retries, options.retry_backoff};
  auto db = sqlite_db::open(path, co, why);
  if (!db)
    return refuse(db.error());
  if (auto r = configure(**db, options, why); !r)
    return refuse(r.error());
  if (options.verify_on_open)
    if (auto r = run_check(**db, "PRAGMA quick_check", why); !r) {
      if (why.empty())
        why = (*db)->last_error();
      return refuse(r.error());
    }
  auto version = detail::migrate(**db, options.target_schema_version, why);
  if (!version)
    return refuse(version.error());
  auto now = options.now_ms ? options.now_ms() : system_ms();
  auto cluster = load_or_create_cluster_id(**db, now);
  if (!cluster) {
    why = (*db)->last_error();
    return refuse(cluster.error());
  }
  metadata_store store(std::move(*db), path, options);
  store.schema_version_ = *version;
  store.cluster_id_ = std::move(*cluster);
  return store;
}

metadata_store::metadata_store(std::unique_ptr<detail::sqlite_db> db, std::string path,
                               store_options opts)
    : db_(std::move(db)), path_(std::move(path)), options_(std::move(opts)) {}

metadata_store::metadata_store(metadata_store&&) noexcept = default;
metadata_store& metadata_store::operator=(metadata_store&&) noexcept = default;
metadata_store::~metadata_store() = default;

void metadata_store::close() noexcept {
  db_.reset();
}

result<void> metadata_store::begin_call() {
  if (!db_) {
    last_error_ = "metadata database '" + path_ + "' is closed";
    return unexpected(errc::store_closed);
  }
  last_error_.clear();
  return {};
}

void metadata_store::explain(std::error_code code, std::string_view context) {
  if (!last_error_.empty())
    return; // a data error, already explained by the helper that found it
  last_error_ = "metadata database '" + path_ + "': " + std::string(context) + ": " +
                db_->last_error() + std::string(detail::advice_for(code));
  spdlog::error("storage: {}", last_error_);
}

int64_t metadata_store::now_ms() const {
  return options_.now_ms ? options_.now_ms() : system_ms();
}

result<void> metadata_store::check_integrity() {
  TRIB_TRY(begin_call());
  std::string findings;
  auto r = run_check(*db_, "PRAGMA integrity_check", findings);
  if (!r && !findings.empty())
    last_error_ = "metadata database '" + path_ + "': " + findings +
                  std::string(detail::advice_for(r.error()));
  return finish(std::move(r), "integrity check");
}

// -- nodes ---------------------------------------------------------------------------------

result<void> metadata_store::upsert_node(const node_record& node) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (node.host.empty())
    return ctx.fail(errc::invalid_argument,
                    "node " + std::to_string(node.id.value) + " has an empty host");
  return finish(db_->write([&]() -> result<void> {
    auto st =
        db_->prepare("INSERT INTO nodes (node_id, host, kafka_port, internal_port, rack, "
                     "registered_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (node_id) DO UPDATE "
                     "SET host = excluded.host, kafka_port = excluded.kafka_port, "
                     "internal_port = excluded.internal_port, rack = excluded.rack, "
                     "registered_ms = excluded.registered_ms");
    if (!st)
      return unexpected(st.error());
    st->bind(1, int64_t{node.id.value}).bind(2, node.host);
    st->bind(3, int64_t{node.kafka_port}).bind(4, int64_t{node.internal_port});
    return st->bind(5, node.rack).bind(6, ctx.now_ms).run();
  }),
                "register node");
}

result<std::vector<node_record>> metadata_store::list_nodes() {
  TRIB_TRY(begin_call());
  return finish(db_->read([&]() -> result<std::vector<node_record>> {
    auto st = db_->prepare("SELECT node_id, host, kafka_port, internal_port, "
                           "rack, registered_ms FROM nodes ORDER BY node_id");
    if (!st)
      return unexpected(st.error());
    std::vector<node_record> out;
    TRIB_TRY(st->each_row([&](auto& row) {
      out.push_back({node_id{static_cast<int32_t>(row.int64(0))}, row.text(1),
                     static_cast<uint16_t>(row.int64(2)), static_cast<uint16_t>(row.int64(3)),
                     row.optional_text(4), row.int64(5)});
    }));
    return out;
  }),
                "list nodes");
}

result<void> metadata_store::remove_node(node_id id) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<void> {
    auto st = db_->prepare("DELETE FROM nodes WHERE node_id = ?");
    if (!st)
      return unexpected(st.error());
    TRIB_TRY(st->bind(1, int64_t{id.value}).run());
    if (st->changes() == 0)
      return ctx.fail(errc::unknown_node,
                      "node " + std::to_string(id.value) + " is not registered");
    return {};
  }),
                "remove node");
}

} // namespace tributary::storage::metadata
