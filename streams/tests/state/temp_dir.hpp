#pragma once
// A uniquely named folder under the system temp dir for one test, removed when it goes out
// of scope. Test-only.

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace tributary::streams::state::test {

class temp_dir {
public:
  temp_dir() {
    std::random_device rd;
    auto salt = std::to_string(rd()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    path_ = std::filesystem::temp_directory_path() / ("trib-state-test-" + salt);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
  std::filesystem::path path_;
};

} // namespace tributary::streams::state::test
