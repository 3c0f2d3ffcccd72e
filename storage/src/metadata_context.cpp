// Node lists, UUIDs and operator advice for the metadata store.
#include "metadata_context.hpp"

#include <charconv>
#include <random>

namespace tributary::storage::metadata::detail {

std::string encode_nodes(const replica_list& nodes) {
  std::string out;
  for (auto id : nodes) {
    if (!out.empty())
      out += ',';
    out += std::to_string(id.value);
  }
  return out;
}

replica_list decode_nodes(std::string_view text) {
  replica_list out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto piece = text.substr(0, comma);
    int32_t v = 0;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), v);
    if (ec == std::errc{} && end == piece.data() + piece.size())
      out.emplace_back(v);
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string random_uuid() {
  std::random_device rd; // per call: no shared generator state between stores
  uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    auto r = rd();
    for (int k = 0; k < 4; ++k)
      b[i + k] = static_cast<uint8_t>(r >> (8 * k));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40); // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0f];
  }
  return out;
}

std::string_view advice_for(std::error_code code) noexcept {
  if (code.category() != metadata_category())
    return "";
  switch (static_cast<errc>(code.value())) {
  case errc::cannot_open:
    return "; check that the file and its folder exist and this user may read and write "
           "them";
  case errc::read_only:
    return "; make the file and its folder writable (SQLite also creates the -wal and -shm "
           "files next to it)";
  case errc::not_a_database:
    return "; the file is not SQLite or is damaged: restore it from a backup, or move it "
           "aside to start with empty metadata (topics, groups and offsets are then lost)";
  case errc::foreign_database:
    return "; point data_dir at a Tributary data folder or move the file aside";
  case errc::schema_too_new:
    return "; run the newer Tributary that wrote it, or restore a backup taken before the "
           "upgrade (downgrades are not supported)";
  case errc::migration_failed:
    return "; the file is unchanged: free disk space or fix permissions and start again";
  case errc::disk_full:
    return "; free disk space on the data folder's filesystem";
  case errc::io_error:
    return "; check the disk (dmesg) and the filesystem";
  case errc::busy:
    return "; another process holds the database lock: is a second node or tool using "
           "this data folder?";
  default:
    return "";
  }
}

} // namespace tributary::storage::metadata::detail
