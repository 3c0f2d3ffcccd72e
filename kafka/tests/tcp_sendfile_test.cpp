// tcp_server: file ranges go out with sendfile() between byte chunks, byte-exact; a range
// the file cannot fill closes the connection instead of sending a frame with a wrong size.

#include "tcp_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>

using namespace tcp_test;

namespace {

/// A temporary file with a byte pattern that makes offsets visible; removed at the end.
struct temp_file {
  std::string path;
  std::string content;
  explicit temp_file(size_t size) : content(size, '\0') {
    for (size_t i = 0; i < size; ++i)
      content[i] = static_cast<char>((i * 31 + i / 251) % 256);
    char name[] = "/tmp/trib_tcp_sendfile_XXXXXX";
    int fd = ::mkstemp(name);
    path = name;
    if (fd >= 0) {
      auto written = ::write(fd, content.data(), content.size());
      (void)written;
      ::close(fd);
    }
  }
  ~temp_file() { ::unlink(path.c_str()); }
};

} // namespace

TEST_CASE_METHOD(fixture, "file ranges arrive byte-exact between byte chunks", "[kafka][tcp]") {
  temp_file file{3 << 20};
  std::string why;
  ctx->file = tributary::kafka::file_handle::open(file.path, &why);
  REQUIRE(ctx->file);
  REQUIRE(start());
  client c{port()};
  struct range {
    size_t offset, length;
  };
  std::vector<range> ranges = {
      {0, 3 << 20}, {12345, 100}, {(3 << 20) - 1, 1}, {7, 0}, {1 << 20, 2 << 20}};
  std::string wire;
  for (auto& r : ranges)
    wire += client::frame("file:" + std::to_string(r.offset) + ":" + std::to_string(r.length)) +
            client::frame("between");
  REQUIRE(c.send_raw(wire.data(), wire.size()));
  for (auto& r : ranges) {
    auto got = c.read_frame();
    REQUIRE(got.has_value());
    CHECK(got->size() == r.length + 2);
    CHECK(*got == "<" + file.content.substr(r.offset, r.length) + ">");
    CHECK(c.read_frame() == "between");
  }
}

TEST_CASE_METHOD(fixture, "a file range beyond the end of the file closes the connection",
                 "[kafka][tcp]") {
  temp_file file{10000};
  ctx->file = tributary::kafka::file_handle::open(file.path);
  REQUIRE(ctx->file);
  REQUIRE(start());
  client c{port()};
  REQUIRE(c.send_frame("first"));
  CHECK(c.read_frame() == "first");
  REQUIRE(c.send_frame("file:9000:1001"));
  CHECK_FALSE(c.read_frame()); // EOF before any byte of that frame
  CHECK(c.closed_by_peer());
  CHECK(wait_stats([](auto s) { return s.closed_bad_response == 1; }));
  client other{port()};
  REQUIRE(other.send_frame("file:9000:1000"));
  CHECK(other.read_frame() == "<" + file.content.substr(9000, 1000) + ">");
  std::string why;
  CHECK_FALSE(tributary::kafka::file_handle::open("/nonexistent/segment.log", &why));
  CHECK(why == "cannot open '/nonexistent/segment.log': No such file or directory");
}
