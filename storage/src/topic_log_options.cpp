#include "tributary/storage/topic_log_options.hpp"

namespace tributary::storage {

log_options to_log_options(const config::topic_config& topic) {
  log_options o;
  o.segment_bytes = topic.segment_bytes;
  o.segment_ms = topic.segment_ms;
  o.segment_index_bytes = topic.segment_index_bytes;
  o.index_interval_bytes = topic.index_interval_bytes;
  o.retention_ms = topic.retention_ms;
  o.retention_bytes = topic.retention_bytes;
  o.flush_messages = topic.flush_messages;
  o.flush_ms = topic.flush_ms;
  o.max_message_bytes = topic.max_message_bytes;
  o.timestamp_type = topic.message_timestamp_type == config::timestamp_type::log_append_time
                         ? message_timestamp_type::log_append_time
                         : message_timestamp_type::create_time;
  o.cleanup_delete = topic.cleanup_delete;
  o.cleanup_compact = topic.cleanup_compact;
  o.delete_retention_ms = topic.delete_retention_ms;
  o.min_compaction_lag_ms = topic.min_compaction_lag_ms;
  o.file_delete_delay_ms = topic.file_delete_delay_ms;
  return o;
}

} // namespace tributary::storage
