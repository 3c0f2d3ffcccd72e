#pragma once
// The messages tcp_server sends to a connection's actor (see connection_factory in
// tcp_server.hpp). Only std types travel with them, so no CAF type registration is needed.

#include "caf/atom.hpp"

namespace tributary::kafka {

/// (frames_atom, uint64_t first_seq, std::vector<std::vector<char>> frames)
using frames_atom = caf::atom_constant<caf::atom("k_frames")>;

/// (closed_atom, uint64_t connection_id): the connection is gone; the actor should quit.
using closed_atom = caf::atom_constant<caf::atom("k_closed")>;

} // namespace tributary::kafka
