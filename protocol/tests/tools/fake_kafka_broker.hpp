#pragma once
// fake_kafka_broker: a loopback TCP server that speaks just enough of the Kafka protocol
// (ApiVersions v0-3, Metadata v0-4, InitProducerId v0-1, Produce v3-7) for librdkafka to
// produce to it, and records the raw RecordBatch bytes of every Produce request. Test-only.
// Owned by the test thread; serves each connection on its own thread; records are guarded
// by a mutex. Fails by closing the connection (the client then times out and reports it).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tributary::protocol::test {

class fake_kafka_broker {
public:
  /// Listens on 127.0.0.1 on a free port; answers for one topic with one partition.
  explicit fake_kafka_broker(std::string topic, int64_t producer_id = 4242,
                             int16_t producer_epoch = 7);
  ~fake_kafka_broker();
  fake_kafka_broker(const fake_kafka_broker&) = delete;
  fake_kafka_broker& operator=(const fake_kafka_broker&) = delete;

  uint16_t port() const { return port_; }
  bool is_listening() const { return listen_fd_ >= 0; }

  /// The records field of each Produce request received so far (one batch each).
  std::vector<std::vector<std::byte>> produced() const;

private:
  void accept_loop();
  void serve(int fd);
  std::vector<std::byte> handle(const std::vector<std::byte>& request);

  std::string topic_;
  int64_t producer_id_;
  int16_t producer_epoch_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> is_stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::vector<int> connection_fds_;
  std::vector<std::vector<std::byte>> produced_;
};

} // namespace tributary::protocol::test
