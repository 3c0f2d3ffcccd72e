#include "resp_conn.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary::bench {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "kafka_bench: redis: %s\n", what.c_str());
  std::exit(1);
}

/// A RESP length or integer line; exits on anything that is not one.
int64_t parse_int(const char* p, const char* end) {
  bool negative = p < end && *p == '-';
  if (negative)
    ++p;
  if (p == end)
    die("empty integer in a reply");
  int64_t v = 0;
  for (; p < end; ++p) {
    if (*p < '0' || *p > '9')
      die("bad integer in a reply");
    v = v * 10 + (*p - '0');
  }
  return negative ? -v : v;
}

} // namespace

void resp_append_command(std::string& out, const std::vector<std::string_view>& args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (auto a : args) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out.append(a.data(), a.size());
    out += "\r\n";
  }
}

resp_conn::resp_conn(uint16_t port) : buf_(4 << 20) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    die("connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  int one = 1; // requests are written whole; do not hold back the last segment
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

resp_conn::~resp_conn() {
  if (fd_ >= 0)
    ::close(fd_);
}

void resp_conn::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      die(std::string("send: ") + std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

const std::vector<resp_token>& resp_conn::read_reply() {
  if (complete_) {
    // Start a new reply; move leftover bytes to the front only between replies, so the
    // offsets of a reply's tokens never change while it is parsed.
    begin_ = pos_;
    if (begin_ == end_) {
      begin_ = pos_ = end_ = 0;
    } else if (begin_ > buf_.size() / 2) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      pos_ = begin_ = 0;
    }
    tokens_.clear();
    needed_ = 1;
    complete_ = false;
  }
  while (!parse_more())
    receive();
  complete_ = true;
  return tokens_;
}

void resp_conn::fail_on_error(const char* what) const {
  if (!tokens_.empty() && tokens_[0].type == '-')
    die(std::string(what) + ": " + std::string(text(tokens_[0])));
}

bool resp_conn::parse_more() {
  while (needed_ > 0) {
    const char* base = buf_.data();
    auto* nl = static_cast<const char*>(std::memchr(base + pos_, '\n', end_ - pos_));
    if (!nl)
      return false;
    if (nl == base + pos_ || nl[-1] != '\r')
      die("reply line without CRLF");
    const char* line = base + pos_ + 1;
    const char* line_end = nl - 1;
    size_t next = static_cast<size_t>(nl - base) + 1;
    resp_token t;
    t.type = base[pos_];
    switch (t.type) {
    case '+':
    case '-':
      t.offset = static_cast<size_t>(line - base);
      t.size = static_cast<size_t>(line_end - line);
      break;
    case ':':
    case '*':
      t.n = parse_int(line, line_end);
      break;
    case '$':
      t.n = parse_int(line, line_end);
      if (t.n >= 0) {
        auto size = static_cast<size_t>(t.n);
        if (end_ - next < size + 2)
          return false; // the string is not all here yet
        t.offset = next;
        t.size = size;
        next += size + 2;
      }
      break;
    default:
      die(std::string("unknown reply type '") + t.type + "'");
    }
    tokens_.push_back(t);
    pos_ = next;
    --needed_;
    if (t.type == '*' && t.n > 0)
      needed_ += t.n;
  }
  return true;
}

void resp_conn::receive() {
  if (end_ == buf_.size())
    buf_.resize(buf_.size() * 2);
  for (;;) {
    auto n = ::recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0)
      die("server closed the connection");
    if (n < 0)
      die(std::string("recv: ") + std::strerror(errno));
    end_ += static_cast<size_t>(n);
    return;
  }
}

} // namespace tributary::bench
