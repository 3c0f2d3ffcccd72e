#pragma once
// What `trib produce` reads: one record per input line (the newline removed), optionally
// split into key and value at the first key separator, plus `--header k=v` arguments. Input
// problems are reported with the line number so a script can find the bad line.

#include "tributary/client/record.hpp"

#include <cstdio>
#include <optional>
#include <string>

namespace tributary::trib {

/// One input line turned into a key and value.
struct line_record {
  std::optional<std::string> key; // nullopt without --key-separator
  std::optional<std::string> value;
};

/// How lines become records. A plain value.
struct line_rules {
  std::optional<std::string> key_separator; // split at its first occurrence
  std::optional<std::string> null_value;    // a value equal to this becomes null (tombstone)
};

/// Splits `line` (number `line_no`, from 1) by `rules`; without the separator in the line,
/// returns nullopt and sets `why` ("line 7 has no key separator ':'").
std::optional<line_record> split_line(const std::string& line, uint64_t line_no,
                                      const line_rules& rules, std::string* why);

/// Parses "key=value" (a header or a config); "key" alone gives a null value. Fails on an
/// empty key, naming `what` ("--header").
std::optional<client::header> parse_assignment(const std::string& text, const char* what,
                                               std::string* why);

/// Reads lines from a stream; a last line without a newline still counts.
class line_reader {
public:
  explicit line_reader(std::FILE* in) : in_(in) {}
  ~line_reader();
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  /// The next line without its '\n', or nullopt at the end of input.
  std::optional<std::string> next();
  /// Set when reading failed (not at a plain end of input).
  bool failed() const noexcept;

private:
  std::FILE* in_;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
};

} // namespace tributary::trib
