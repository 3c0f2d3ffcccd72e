#pragma once
// The bridge from a topic's typed settings (config::topic_config, Kafka's names) to the
// options a partition log is opened with. Pure function; thread-safe.

#include "tributary/config/topic_config.hpp"
#include "tributary/storage/log_options.hpp"

namespace tributary::storage {

/// Every log-relevant topic setting copied field by field; settings the log does not
/// use (compression.type, min.insync.replicas, ...) belong to the partition actor.
log_options to_log_options(const config::topic_config& topic);

} // namespace tributary::storage
