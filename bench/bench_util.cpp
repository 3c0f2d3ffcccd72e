#include "bench_util.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace tributary::bench {

stamp stamp::now() {
  stamp s;
  s.wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
          ru.ru_stime.tv_usec / 1e6;
  return s;
}

std::string make_temp_dir(const std::string& parent, const std::string& prefix) {
  std::filesystem::create_directories(parent);
  std::string templ = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  return buf.data();
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string human(double value) {
  char buf[32];
  if (value >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2f G", value / 1e9);
  else if (value >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f M", value / 1e6);
  else if (value >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1f k", value / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", value);
  return buf;
}

std::string arg_cursor::value() {
  if (i_ + 1 >= argc_) {
    std::fprintf(stderr, "%s: %s needs a value\n", program_, flag_.c_str());
    std::exit(2);
  }
  return argv_[++i_];
}

bool drop_page_cache() {
  sync();
  std::ofstream f("/proc/sys/vm/drop_caches");
  if (!f)
    return false;
  f << "3\n";
  return static_cast<bool>(f.flush());
}

} // namespace tributary::bench
