#pragma once
// Shutdown signals for the node program. SIGINT and SIGTERM are blocked in every thread
// (block_shutdown_signals() runs before any thread exists, so CAF's and spdlog's threads
// inherit the mask) and only main receives them, synchronously, with sigwait: no async
// signal handler ever runs inside the actor system.

#include <chrono>
#include <optional>

namespace tributary::apps {

/// Blocks SIGINT and SIGTERM in the calling thread (and in every thread it starts later);
/// SIGPIPE is ignored so a client that hangs up cannot kill the node. Call first in main.
void block_shutdown_signals();

/// Waits up to `timeout` for SIGINT or SIGTERM; returns the signal number, or nullopt when
/// the time passed without one (the caller checks that the node is still running).
std::optional<int> wait_for_shutdown_signal(std::chrono::milliseconds timeout);

/// Starts a detached thread that waits for one more SIGINT/SIGTERM and then ends the process
/// at once with `exit_code` (the "press Ctrl-C twice" escape hatch when a clean stop hangs).
void force_exit_on_next_signal(int exit_code);

/// "SIGINT" / "SIGTERM" / "signal 12".
const char* signal_name(int signo);

} // namespace tributary::apps
