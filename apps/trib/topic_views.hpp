#pragma once
// `trib topic list` and `trib topic describe`: read-only views of topics (partitions, log
// state, configuration overrides) as tables or JSON. Registered by topic_commands.cpp.

#include "session.hpp"

#include <string>
#include <vector>

namespace tributary::trib {

struct topic_list_options {
  bool internal = false;
};

struct topic_describe_options {
  std::vector<std::string> topics; // empty: every topic
  bool all_configs = false;        // every config with its source, not only overrides
};

int run_topic_list(session& s, const topic_list_options& o);
int run_topic_describe(session& s, const topic_describe_options& o);

} // namespace tributary::trib
