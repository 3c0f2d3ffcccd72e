// metadata::errc's category: the generic message of each value. The specific explanation
// (which file, topic, group) is in metadata_store::last_error().
#include "tributary/storage/metadata/errc.hpp"

#include <string>

namespace tributary::storage::metadata {
namespace {

const char* describe(errc e) noexcept {
  switch (e) {
  case errc::ok:
    return "ok";
  case errc::cannot_open:
    return "the metadata database cannot be opened";
  case errc::read_only:
    return "the metadata database is not writable";
  case errc::not_a_database:
    return "the metadata database file is not SQLite or is damaged";
  case errc::foreign_database:
    return "the file is not a Tributary metadata database";
  case errc::schema_too_new:
    return "the metadata database was written by a newer Tributary";
  case errc::migration_failed:
    return "upgrading the metadata schema failed";
  case errc::disk_full:
    return "no space left for the metadata database";
  case errc::io_error:
    return "an I/O call on the metadata database failed";
  case errc::busy:
    return "the metadata database stayed locked by another connection";
  case errc::store_closed:
    return "the metadata store is closed";
  case errc::internal:
    return "unexpected SQLite result in the metadata store";
  case errc::constraint_violation:
    return "a metadata row broke a schema constraint";
  case errc::invalid_argument:
    return "invalid argument to the metadata store";
  case errc::topic_already_exists:
    return "topic already exists";
  case errc::unknown_topic:
    return "unknown topic";
  case errc::unknown_partition:
    return "unknown partition";
  case errc::invalid_partitions:
    return "invalid partition count";
  case errc::invalid_replication_factor:
    return "invalid replication factor";
  case errc::fenced_leader_epoch:
    return "leader epoch is older than the stored one";
  case errc::unknown_group:
    return "unknown consumer group";
  case errc::unknown_member:
    return "unknown group member";
  case errc::unknown_node:
    return "unknown node";
  case errc::unknown_transactional_id:
    return "unknown transactional id";
  case errc::invalid_topic_name:
    return "invalid topic name";
  }
  return "unknown metadata store error";
}

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tributary.storage.metadata"; }
  std::string message(int v) const override { return describe(static_cast<errc>(v)); }
};

} // namespace

const std::error_category& metadata_category() noexcept {
  static const category c; // immutable, so sharing it across stores and threads is safe
  return c;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), metadata_category()};
}

} // namespace tributary::storage::metadata
