#pragma once
// How trib writes: human tables (aligned columns, a bold header only on a terminal), JSON
// for scripts (--json), one-line errors on stderr, and a progress line on stderr for long
// produce/consume runs (only when stderr is a terminal, so pipes and logs stay clean).
// Single-threaded: commands own one `output` and call it from main's thread.

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace tributary::trib {

/// Colour when the stream is a terminal, TERM is not "dumb" and NO_COLOR is unset.
bool wants_color(std::FILE* stream);

/// Rows of cells printed with aligned columns; numeric-looking cells are right-aligned.
class table {
public:
  /// `align_numbers`: right-align numeric cells (off for name/value listings).
  explicit table(std::vector<std::string> headers, bool align_numbers = true)
      : headers_(std::move(headers)), align_numbers_(align_numbers) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const noexcept { return rows_.empty(); }
  /// The table as text; `color` makes the header bold.
  std::string render(bool color) const;

private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  bool align_numbers_;
};

class output {
public:
  explicit output(bool json);

  bool json() const noexcept { return json_; }
  /// Prints a table (human mode) to stdout, or "(none)" style text when empty.
  void print(const table& t, const std::string& when_empty = "(none)");
  /// Prints one JSON document on one line to stdout (invalid UTF-8 is replaced, not fatal).
  void print(const nlohmann::json& doc);
  /// A plain line on stdout.
  void line(const std::string& text);
  /// A status note for humans on stderr ("created topic 'demo'"); silent with --json.
  void note(const std::string& text);
  /// "trib: <message>" on stderr (red on a terminal).
  void error(const std::string& message);

private:
  bool json_;
  bool color_out_;
  bool color_err_;
};

/// "12,345 records, 1.2 MiB, 8,100 rec/s" on one self-overwriting stderr line, at most a few
/// times a second, only when stderr is a terminal. finish() clears it.
class progress_line {
public:
  explicit progress_line(std::string verb);
  ~progress_line() { finish(); }
  void update(uint64_t records, uint64_t bytes);
  void finish();

private:
  std::string verb_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

/// 1234567 -> "1,234,567".
std::string with_commas(uint64_t n);
/// (1, "record") -> "1 record", (1200, "record") -> "1,200 records".
std::string count_of(uint64_t n, const std::string& noun);
/// 1536 -> "1.5 KiB".
std::string human_bytes(uint64_t n);
/// Milliseconds since the epoch -> "2024-05-01 12:00:00.123" (UTC); -1 -> "-".
std::string format_timestamp(int64_t ms);

} // namespace tributary::trib
