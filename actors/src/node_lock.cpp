// data_dir_lock (node_lock.hpp): flock on <data_dir>/.lock, with the holder's pid written
// into the file so the refusal can name it.
#include "node_lock.hpp"

#include "tributary/actors/errc.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tributary::actors {

data_dir_lock& data_dir_lock::operator=(data_dir_lock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void data_dir_lock::release() noexcept {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    fd_ = -1;
  }
}

result<data_dir_lock> data_dir_lock::acquire(const std::string& dir, std::string* why) {
  auto fail = [&](std::string msg, std::error_code ec) -> result<data_dir_lock> {
    if (why)
      *why = std::move(msg);
    return unexpected(ec);
  };
  if (dir.empty())
    return fail("data.dir is empty: the node needs a data folder",
                std::make_error_code(std::errc::invalid_argument));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return fail("cannot create the data folder '" + dir + "': " + ec.message(), ec);
  auto path = dir + "/.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    auto err = std::error_code(errno, std::generic_category());
    return fail("cannot open the lock file '" + path + "': " + err.message(), err);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto err = std::error_code(errno, std::generic_category());
    char buf[32] = {};
    auto n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string{"?"};
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
      holder.pop_back();
    ::close(fd);
    if (err == std::errc::resource_unavailable_try_again || err == std::errc::operation_would_block)
      return fail("data folder '" + dir + "' is in use by another Tributary node (pid " + holder +
                      " holds " + path + "); stop that node or choose another data.dir",
                  err);
    return fail("cannot lock '" + path + "': " + err.message(), err);
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid only improves the message a second node prints; the lock itself is held.
  }
  return data_dir_lock{fd};
}

} // namespace tributary::actors
