#pragma once
// Small helpers shared by the benchmark programs: wall and CPU clocks, a temp folder,
// number formatting. Single-threaded use.

#include <cstdint>
#include <string>

namespace tributary::bench {

/// Wall-clock seconds and this process's CPU seconds (user + system) at one instant.
struct stamp {
  double wall = 0;
  double cpu = 0;
  static stamp now();
};

/// Elapsed wall and CPU seconds between two stamps.
struct elapsed {
  double wall = 0;
  double cpu = 0;
  elapsed(stamp from, stamp to) : wall(to.wall - from.wall), cpu(to.cpu - from.cpu) {}
};

/// Creates a fresh folder under `parent` (mkdtemp) and returns its path; exits on failure.
std::string make_temp_dir(const std::string& parent, const std::string& prefix);

/// rm -rf without a shell.
void remove_tree(const std::string& path);

/// "1.23 M" style rendering for rates.
std::string human(double value);

/// Walks argv for the benchmarks' option parsers:
///   for (arg_cursor args("client_bench", argc, argv); args.more();) {
///     auto flag = args.flag();
///     if (flag == "--records") o.records = std::stoll(args.value()); ...
///   }
/// value() exits with "<program>: <flag> needs a value" when the flag is last.
class arg_cursor {
public:
  arg_cursor(const char* program, int argc, char** argv)
      : program_(program), argc_(argc), argv_(argv) {}
  bool more() const { return i_ + 1 < argc_; }
  const std::string& flag() { return flag_ = argv_[++i_]; }
  std::string value();

private:
  const char* program_;
  int argc_;
  char** argv_;
  int i_ = 0;
  std::string flag_;
};

/// Drops the page cache (needs root; false if the kernel refused).
bool drop_page_cache();

} // namespace tributary::bench
