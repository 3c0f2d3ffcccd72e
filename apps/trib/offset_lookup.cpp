// Admin lookups for `trib consume` (see offset_lookup.hpp).

#include "offset_lookup.hpp"

#include "tributary/client/admin.hpp"

namespace tributary::trib {

namespace {

client::outcome<client::admin> make_admin(const client::connection& conn) {
  client::admin_options options;
  options.client_id = "trib-consume";
  return client::admin::create(conn, options);
}

client::outcome<offset_table> list(const client::connection& conn,
                                   const std::vector<client::topic_partition>& partitions,
                                   client::offset_spec spec) {
  auto admin = make_admin(conn);
  if (!admin)
    return admin.err();
  std::map<client::topic_partition, client::offset_spec> specs;
  for (const auto& tp : partitions)
    specs[tp] = spec;
  offset_table out;
  if (specs.empty())
    return out;
  auto listed = admin->list_offsets(specs);
  if (!listed)
    return listed.err();
  for (const auto& l : *listed) {
    if (!l.ok())
      return l.err;
    out[l.tp] = l.offset;
  }
  return out;
}

} // namespace

client::outcome<int32_t> partition_count(const client::connection& conn, const std::string& topic) {
  auto admin = make_admin(conn);
  if (!admin)
    return admin.err();
  auto described = admin->describe_topics({topic});
  if (!described)
    return described.err();
  for (const auto& t : *described)
    if (t.name == topic) {
      if (!t.ok())
        return t.err;
      return static_cast<int32_t>(t.partitions.size());
    }
  return client::make_error(protocol::kafka_error::unknown_topic_or_partition,
                            "topic '" + topic + "' does not exist");
}

client::outcome<offset_table> end_offsets(const client::connection& conn,
                                          const std::vector<client::topic_partition>& partitions) {
  return list(conn, partitions, client::offset_spec::to_latest());
}

client::outcome<offset_table>
offsets_for_time(const client::connection& conn,
                 const std::vector<client::topic_partition>& partitions, int64_t timestamp_ms) {
  auto found = list(conn, partitions, client::offset_spec::to_timestamp(timestamp_ms));
  if (!found)
    return found;
  auto ends = end_offsets(conn, partitions);
  if (!ends)
    return ends;
  for (auto& [tp, offset] : *found)
    if (offset < 0)
      offset = (*ends)[tp];
  return found;
}

} // namespace tributary::trib
