#pragma once
// `trib group describe`: the read-only view of consumer groups -- state, protocol, generation,
// members with their partitions, committed offsets with log end and lag -- as tables or JSON.
// Registered by group_commands.cpp.

#include "session.hpp"

#include <string>
#include <vector>

namespace tributary::trib {

struct group_describe_options {
  std::vector<std::string> groups;
};

/// Exit 1 for a group that does not exist (GROUP_ID_NOT_FOUND) or a refused request.
int run_group_describe(session& s, const group_describe_options& o);

} // namespace tributary::trib
