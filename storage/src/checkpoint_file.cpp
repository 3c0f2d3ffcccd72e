// checkpoint_file: atomic Kafka-style single-offset checkpoints in a log folder.
#include "tributary/storage/checkpoint_file.hpp"

#include "log_io.hpp"

#include <atomic>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace tributary::storage {

result<void> sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return unexpected(detail::io_failure("open dir", dir, errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0)
    return unexpected(detail::io_failure("fsync dir", dir, err));
  return {};
}

result<void> write_file_atomically(const std::string& dir, const std::string& name,
                                   const std::string& text) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = dir + "/" + name + ".tmp" + std::to_string(counter.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return unexpected(detail::io_failure("open", tmp, errno));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      int err = w < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(tmp.c_str());
      return unexpected(detail::io_failure("write", tmp, err));
    }
    done += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return unexpected(detail::io_failure("fsync", tmp, err));
  }
  ::close(fd);
  std::string path = dir + "/" + name;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return unexpected(detail::io_failure("rename", path, err));
  }
  return sync_dir(dir);
}

checkpoint_file::checkpoint_file(std::string dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)), path_(dir_ + "/" + name_) {}

result<std::optional<offset>> checkpoint_file::read() const {
  std::ifstream in(path_);
  if (!in)
    return std::optional<offset>{};
  int version = -1;
  int count = -1;
  std::string key;
  int64_t value = -1;
  if (!(in >> version >> count) || version != 0 || count < 0 || count > 1)
    return unexpected(make_error_code(errc::corrupt_log));
  if (count == 0)
    return std::optional<offset>{};
  if (!(in >> key >> value) || value < 0)
    return unexpected(make_error_code(errc::corrupt_log));
  return std::optional<offset>{offset{value}};
}

result<void> checkpoint_file::write(offset value, uint64_t generation) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation < written_generation_)
    return {}; // a newer value (e.g. after truncation) is already on disk
  std::ostringstream text;
  text << "0\n1\nlog " << value.value << "\n";
  TRIB_TRY(write_file_atomically(dir_, name_, text.str()));
  written_generation_ = generation;
  return {};
}

} // namespace tributary::storage
