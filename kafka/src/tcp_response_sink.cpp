// response_sink, file_handle and the outbox between them and the I/O thread.

#include "tcp_outbox.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>

namespace tributary::kafka {

// -- file_handle ----------------------------------------------------------------------------

file_handle::~file_handle() {
  if (fd_ >= 0 && !owner_)
    ::close(fd_);
}

std::shared_ptr<file_handle> file_handle::open(const std::string& path, std::string* why) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (why)
      *why = "cannot open '" + path + "': " + std::system_category().message(errno);
    return nullptr;
  }
  return std::make_shared<file_handle>(fd);
}

// -- response_sink --------------------------------------------------------------------------

response_sink::response_sink(std::shared_ptr<detail::outbox> box, uint64_t connection_id) noexcept
    : box_(std::move(box)), id_(connection_id) {}

response_sink::~response_sink() = default;

void response_sink::send(uint64_t seq, std::vector<char> bytes) {
  if (is_closed())
    return;
  std::vector<chunk> chunks;
  chunks.emplace_back(std::move(bytes));
  box_->push(detail::post{id_, seq, detail::post_kind::send, std::move(chunks)});
}

void response_sink::send_chunks(uint64_t seq, std::vector<chunk> chunks) {
  if (is_closed())
    return;
  box_->push(detail::post{id_, seq, detail::post_kind::send, std::move(chunks)});
}

void response_sink::skip(uint64_t seq) {
  if (is_closed())
    return;
  box_->push(detail::post{id_, seq, detail::post_kind::skip, {}});
}

void response_sink::close() {
  if (is_closed())
    return;
  box_->push(detail::post{id_, 0, detail::post_kind::close, {}});
}

// -- outbox ---------------------------------------------------------------------------------

namespace detail {

outbox::outbox() noexcept : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

outbox::~outbox() {
  if (fd_ >= 0)
    ::close(fd_);
}

void outbox::push(post p) {
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (is_shut_)
      return;
    was_empty = posts_.empty();
    posts_.push_back(std::move(p));
  }
  // Only the post that makes the queue non-empty wakes the I/O thread: take() reads the
  // eventfd before it swaps the queue, so no post is left without a wake-up.
  if (was_empty)
    wake();
}

void outbox::take(std::vector<post>& into) {
  uint64_t count = 0;
  while (::read(fd_, &count, sizeof(count)) < 0 && errno == EINTR) {
  }
  into.clear();
  std::lock_guard<std::mutex> guard{mtx_};
  into.swap(posts_);
}

void outbox::wake() noexcept {
  uint64_t one = 1;
  // Fails only with EAGAIN when the counter is near 2^64: a wake-up is pending anyway.
  while (::write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void outbox::shut() {
  std::lock_guard<std::mutex> guard{mtx_};
  is_shut_ = true;
  posts_.clear();
}

} // namespace detail
} // namespace tributary::kafka
