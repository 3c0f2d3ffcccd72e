// metadata_store after kill -9: a forked child commits offsets in a loop and reports every
// acknowledged commit through a pipe; the parent SIGKILLs it at a random point, reopens the
// file and checks that every acknowledged commit is there and the file is intact.
#include "metadata_test_util.hpp"

#include <csignal>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace tributary;
using namespace tributary::storage::metadata;
using namespace tributary::storage::metadata::test;

namespace {

constexpr int32_t k_partitions = 10;

// The child: commit round i sets every partition to offset i in one transaction, then
// writes i to the pipe. Never returns (killed, or _exit on failure / after the last round).
[[noreturn]] void commit_forever(const std::string& path, int ack_fd) {
  std::string why;
  auto store = metadata_store::open(path, {}, &why);
  if (!store)
    _exit(2);
  for (int64_t i = 1; i < 1'000'000; ++i) {
    std::vector<offset_commit> batch;
    for (int32_t p = 0; p < k_partitions; ++p)
      batch.push_back({"orders", partition_id{p}, offset{i}, epoch{1}, "", i, std::nullopt});
    if (!store->commit_offsets("crash-group", batch))
      _exit(3);
    if (write(ack_fd, &i, sizeof i) != sizeof i)
      _exit(4);
  }
  _exit(0);
}

// Reads acknowledgements until `want` arrived or the pipe closed; returns the highest.
int64_t read_acks(int fd, int64_t want, int64_t highest) {
  int64_t got = 0;
  int64_t value = 0;
  while ((want < 0 || got < want) && read(fd, &value, sizeof value) == sizeof value) {
    CHECK(value == highest + 1); // acknowledged in order
    highest = value;
    ++got;
  }
  return highest;
}

} // namespace

TEST_CASE("every commit acknowledged before a kill -9 is there after reopen", "[metadata]") {
  std::random_device rd;
  for (int run = 0; run < 3; ++run) {
    temp_dir dir;
    {
      auto store = open_ok(dir.db());
      REQUIRE(store.create_topic(simple_topic("orders", k_partitions)));
    } // closed before fork: a SQLite connection must never cross a fork
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      commit_forever(dir.db(), fds[1]);
    }
    close(fds[1]);
    auto kill_after = std::uniform_int_distribution<int64_t>(20, 400)(rd);
    int64_t acked = read_acks(fds[0], kill_after, 0);
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    acked = read_acks(fds[0], -1, acked); // acks still buffered in the pipe count too
    close(fds[0]);
    INFO("run " << run << ": killed after " << acked << " acknowledged commits");
    REQUIRE(acked >= kill_after);

    auto store = open_ok(dir.db());
    REQUIRE(store.check_integrity());
    auto offsets = store.fetch_offsets("crash-group");
    REQUIRE(offsets);
    REQUIRE(offsets->size() == static_cast<size_t>(k_partitions));
    // All partitions carry the same round (each round is one transaction), and that round
    // is the last acknowledged one or the one in flight when the kill came.
    auto round = offsets->front().committed.value;
    CHECK((round == acked || round == acked + 1));
    for (const auto& c : *offsets)
      CHECK(c.committed.value == round);
  }
}
