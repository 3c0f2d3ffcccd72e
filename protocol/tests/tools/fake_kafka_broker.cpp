// Fake one-broker Kafka cluster for capturing what librdkafka sends (see the header).
#include "fake_kafka_broker.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary::protocol::test {
namespace {

constexpr int16_t k_produce = 0, k_fetch = 1, k_list_offsets = 2, k_metadata = 3,
                  k_find_coordinator = 10, k_api_versions = 18, k_init_producer_id = 22;

struct api_range {
  int16_t key, min, max;
};
// Fetch and FindCoordinator are advertised only because librdkafka derives features from
// them (MsgVer2 needs Fetch 4, zstd needs Fetch 10); this broker never serves them.
// Produce must start at v0: librdkafka <= 2.11.0 checks gzip/snappy/lz4 support by asking
// whether Produce v0..0 overlaps the broker's range, and silently stops compressing if not.
constexpr api_range k_apis[] = {{k_produce, 0, 7},          {k_fetch, 4, 10},
                                {k_list_offsets, 1, 1},     {k_metadata, 0, 4},
                                {k_find_coordinator, 0, 0}, {k_api_versions, 0, 3},
                                {k_init_producer_id, 0, 1}};

struct writer {
  std::vector<std::byte> out;
  template <class T>
  void be(T v) {
    for (int i = sizeof(T) - 1; i >= 0; --i)
      out.push_back(static_cast<std::byte>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
  }
  void str(const std::string& s) {
    be<int16_t>(static_cast<int16_t>(s.size()));
    for (char c : s)
      out.push_back(static_cast<std::byte>(c));
  }
  void uvarint(uint32_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<std::byte>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<std::byte>(v));
  }
};

struct reader {
  const std::vector<std::byte>& in;
  size_t pos = 0;
  template <class T>
  T be() {
    if (in.size() - pos < sizeof(T))
      throw std::runtime_error("short request");
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      v = (v << 8) | static_cast<uint8_t>(in[pos++]);
    return static_cast<T>(v);
  }
  std::string str() {
    auto n = be<int16_t>();
    if (n < 0)
      return {};
    if (in.size() - pos < static_cast<size_t>(n))
      throw std::runtime_error("short string");
    std::string s(reinterpret_cast<const char*>(in.data() + pos), static_cast<size_t>(n));
    pos += static_cast<size_t>(n);
    return s;
  }
  std::vector<std::byte> bytes() {
    auto n = be<int32_t>();
    if (n < 0 || in.size() - pos < static_cast<size_t>(n))
      throw std::runtime_error("bad bytes");
    std::vector<std::byte> b(in.begin() + static_cast<std::ptrdiff_t>(pos),
                             in.begin() + static_cast<std::ptrdiff_t>(pos) + n);
    pos += static_cast<size_t>(n);
    return b;
  }
};

bool read_exact(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t r = ::recv(fd, p, n, 0);
    if (r <= 0)
      return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool write_all(int fd, const std::vector<std::byte>& b) {
  size_t off = 0;
  while (off < b.size()) {
    ssize_t r = ::send(fd, b.data() + off, b.size() - off, MSG_NOSIGNAL);
    if (r <= 0)
      return false;
    off += static_cast<size_t>(r);
  }
  return true;
}

void api_versions(writer& w, int16_t version) {
  w.be<int16_t>(0); // error_code
  if (version >= 3) {
    w.uvarint(std::size(k_apis) + 1); // compact array
    for (auto a : k_apis) {
      w.be(a.key), w.be(a.min), w.be(a.max);
      w.uvarint(0); // tagged fields
    }
    w.be<int32_t>(0); // throttle_time_ms
    w.uvarint(0);
    return;
  }
  w.be<int32_t>(static_cast<int32_t>(std::size(k_apis)));
  for (auto a : k_apis)
    w.be(a.key), w.be(a.min), w.be(a.max);
  if (version >= 1)
    w.be<int32_t>(0);
}

void metadata(writer& w, int16_t version, uint16_t port, const std::string& topic) {
  if (version >= 3)
    w.be<int32_t>(0); // throttle_time_ms
  w.be<int32_t>(1);   // brokers
  w.be<int32_t>(1), w.str("127.0.0.1"), w.be<int32_t>(port);
  if (version >= 1)
    w.be<int16_t>(-1); // rack: null
  if (version >= 2)
    w.str("tributary-golden"); // cluster_id
  if (version >= 1)
    w.be<int32_t>(1); // controller_id
  w.be<int32_t>(1);   // topics
  w.be<int16_t>(0), w.str(topic);
  if (version >= 1)
    w.be<int8_t>(0); // is_internal
  w.be<int32_t>(1);  // partitions
  w.be<int16_t>(0), w.be<int32_t>(0), w.be<int32_t>(1);
  w.be<int32_t>(1), w.be<int32_t>(1); // replicas [1]
  w.be<int32_t>(1), w.be<int32_t>(1); // isr [1]
}

} // namespace

fake_kafka_broker::fake_kafka_broker(std::string topic, int64_t producer_id, int16_t producer_epoch)
    : topic_(std::move(topic)), producer_id_(producer_id), producer_epoch_(producer_epoch) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listen_fd_ >= 0)
      ::close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

fake_kafka_broker::~fake_kafka_broker() {
  is_stopping_ = true;
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
  }
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int fd : connection_fds_)
      ::shutdown(fd, SHUT_RDWR);
    threads.swap(connections_);
  }
  for (auto& t : threads)
    t.join();
}

std::vector<std::vector<std::byte>> fake_kafka_broker::produced() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return produced_;
}

void fake_kafka_broker::accept_loop() {
  while (!is_stopping_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0)
      return;
    std::lock_guard<std::mutex> lock(mutex_);
    connection_fds_.push_back(fd);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void fake_kafka_broker::serve(int fd) {
  for (;;) {
    uint32_t size_be = 0;
    if (!read_exact(fd, &size_be, 4))
      break;
    std::vector<std::byte> request(ntohl(size_be));
    if (request.size() > (64u << 20) || !read_exact(fd, request.data(), request.size()))
      break;
    std::vector<std::byte> response;
    try {
      response = handle(request);
    } catch (const std::exception&) {
      break; // malformed or unsupported: drop the connection
    }
    if (response.empty())
      continue; // acks=0 produce: no response
    writer framed;
    framed.be<int32_t>(static_cast<int32_t>(response.size()));
    framed.out.insert(framed.out.end(), response.begin(), response.end());
    if (!write_all(fd, framed.out))
      break;
  }
  ::close(fd);
}

std::vector<std::byte> fake_kafka_broker::handle(const std::vector<std::byte>& request) {
  reader r{request};
  auto key = r.be<int16_t>();
  auto version = r.be<int16_t>();
  auto correlation_id = r.be<int32_t>();
  r.str(); // client_id
  writer w;
  w.be<int32_t>(correlation_id); // response header v0 (ApiVersions is never flexible here)
  switch (key) {
  case k_api_versions:
    api_versions(w, version);
    return w.out;
  case k_metadata:
    metadata(w, version, port_, topic_);
    return w.out;
  case k_init_producer_id:
    w.be<int32_t>(0), w.be<int16_t>(0), w.be<int64_t>(producer_id_), w.be<int16_t>(producer_epoch_);
    return w.out;
  case k_produce:
    break;
  default:
    throw std::runtime_error("unsupported api");
  }
  r.str(); // transactional_id
  auto acks = r.be<int16_t>();
  r.be<int32_t>(); // timeout
  auto topics = r.be<int32_t>();
  writer body;
  body.be<int32_t>(topics);
  for (int32_t t = 0; t < topics; ++t) {
    body.str(r.str());
    auto partitions = r.be<int32_t>();
    body.be<int32_t>(partitions);
    for (int32_t p = 0; p < partitions; ++p) {
      auto index = r.be<int32_t>();
      auto records = r.bytes();
      int64_t base_offset = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        base_offset = static_cast<int64_t>(produced_.size()) * 1000;
        produced_.push_back(std::move(records));
      }
      body.be<int32_t>(index), body.be<int16_t>(0), body.be<int64_t>(base_offset);
      body.be<int64_t>(-1); // log_append_time_ms
      if (version >= 5)
        body.be<int64_t>(0); // log_start_offset
    }
  }
  body.be<int32_t>(0); // throttle_time_ms
  if (acks == 0)
    return {};
  w.out.insert(w.out.end(), body.out.begin(), body.out.end());
  return w.out;
}

} // namespace tributary::protocol::test
