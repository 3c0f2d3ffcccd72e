#pragma once
// The lookups `trib consume` needs besides the consumer itself: does the topic exist and
// how many partitions has it, where does each partition end, which offset belongs to a
// timestamp. Answered through the admin API; kept behind this small interface so the
// consumer's translation unit does not mix the consumer and admin headers.

#include "tributary/client/connection.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/record.hpp"

#include <map>
#include <string>
#include <vector>

namespace tributary::trib {

using offset_table = std::map<client::topic_partition, int64_t>;

/// The partition count of `topic`; UNKNOWN_TOPIC_OR_PARTITION naming it when it does not
/// exist. Never creates the topic.
client::outcome<int32_t> partition_count(const client::connection& conn, const std::string& topic);

/// The log end offset (the next offset to be written) of each partition.
client::outcome<offset_table> end_offsets(const client::connection& conn,
                                          const std::vector<client::topic_partition>& partitions);

/// The first offset whose timestamp is at or after `timestamp_ms`, per partition; the log
/// end when every record is older.
client::outcome<offset_table>
offsets_for_time(const client::connection& conn,
                 const std::vector<client::topic_partition>& partitions, int64_t timestamp_ms);

} // namespace tributary::trib
