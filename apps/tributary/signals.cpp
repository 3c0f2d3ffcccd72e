// sigwait-based shutdown signals (see signals.hpp).

#include "signals.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <thread>
#include <unistd.h>

namespace tributary::apps {

namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

void block_shutdown_signals() {
  auto set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

std::optional<int> wait_for_shutdown_signal(std::chrono::milliseconds timeout) {
  auto set = shutdown_set();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1000000);
  for (;;) {
    int signo = sigtimedwait(&set, nullptr, &ts);
    if (signo > 0)
      return signo;
    if (errno == EINTR) // another signal (e.g. SIGCHLD) interrupted the wait: wait again
      continue;
    return std::nullopt; // EAGAIN: the timeout passed
  }
}

void force_exit_on_next_signal(int exit_code) {
  std::thread([exit_code] {
    auto set = shutdown_set();
    int signo = 0;
    if (sigwait(&set, &signo) != 0)
      return;
    // Written with write(2), not the logger: the logger's mutex may be held by the very
    // thread whose stop is hanging.
    static const char msg[] = "tributary: second shutdown signal, exiting without a clean stop\n";
    auto ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(exit_code);
  }).detach();
}

const char* signal_name(int signo) {
  switch (signo) {
  case SIGINT:
    return "SIGINT";
  case SIGTERM:
    return "SIGTERM";
  default:
    return "a signal";
  }
}

} // namespace tributary::apps
