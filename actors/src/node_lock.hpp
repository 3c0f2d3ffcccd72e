#pragma once
// data_dir_lock: the exclusive lock a node holds on its data folder (`<data_dir>/.lock`,
// flock), so a second node on the same folder fails at start with a clear message instead of
// corrupting logs and the metadata store. Private to actors/. Owned by node::impl; released
// when destroyed (or when the process dies: the kernel drops flock locks with the fd).

#include "tributary/common/result.hpp"

#include <string>

namespace tributary::actors {

class data_dir_lock {
public:
  /// Creates `dir` if needed and locks it; on failure `why` names the folder and the holder.
  static result<data_dir_lock> acquire(const std::string& dir, std::string* why);

  data_dir_lock() = default;
  data_dir_lock(data_dir_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  data_dir_lock& operator=(data_dir_lock&& other) noexcept;
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;
  ~data_dir_lock() { release(); }

  void release() noexcept;
  bool is_held() const noexcept { return fd_ >= 0; }

private:
  explicit data_dir_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

} // namespace tributary::actors
