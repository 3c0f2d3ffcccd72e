#pragma once
// resp_conn: one blocking TCP connection to a Redis server speaking RESP2, written by hand so
// kafka_bench needs no hiredis. Requests are raw bytes the caller encodes (pipelining = send
// many, then read as many replies); replies are parsed incrementally into a flat, pre-order
// list of tokens that point into the receive buffer -- no allocation per reply element.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::bench {

/// One element of a reply. Arrays ('*') come before their children, in order; `n` is the
/// element count of an array, the value of an integer (':'), -1 for a null bulk string or
/// null array. Strings ('+', '-', '$') are read with resp_conn::text().
struct resp_token {
  char type = 0;
  int64_t n = 0;
  size_t offset = 0;
  size_t size = 0;
};

/// Appends a RESP array of bulk strings (a command) to `out`.
void resp_append_command(std::string& out, const std::vector<std::string_view>& args);

/// A connection to 127.0.0.1:`port`. Used by one thread at a time. Any I/O or protocol error
/// (including a Redis error reply when the caller asks for it) exits the benchmark with a
/// message: a benchmark has nothing sensible to continue with.
class resp_conn {
public:
  explicit resp_conn(uint16_t port);
  ~resp_conn();
  resp_conn(const resp_conn&) = delete;
  resp_conn& operator=(const resp_conn&) = delete;

  /// Writes all of `bytes` (blocking).
  void send(std::string_view bytes);

  /// Reads the next whole reply. Its tokens (and their text) stay valid until the next call.
  const std::vector<resp_token>& read_reply();

  /// The text of a string token of the current reply.
  std::string_view text(const resp_token& t) const { return {buf_.data() + t.offset, t.size}; }

  /// Exits with the reply's message if the current reply is an error reply.
  void fail_on_error(const char* what) const;

private:
  bool parse_more(); // true when the current reply is complete
  void receive();

  int fd_ = -1;
  std::vector<char> buf_;
  size_t begin_ = 0; // first byte of the current reply
  size_t pos_ = 0;   // next byte to parse
  size_t end_ = 0;   // end of received bytes
  int64_t needed_ = 0;
  bool complete_ = true;
  std::vector<resp_token> tokens_;
};

} // namespace tributary::bench
