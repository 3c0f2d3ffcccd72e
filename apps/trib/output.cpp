// Tables, JSON, colour, errors and the progress line (see output.hpp).

#include "output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace tributary::trib {

namespace {

constexpr const char* bold = "\033[1m";
constexpr const char* red = "\033[31m";
constexpr const char* reset = "\033[0m";

bool looks_numeric(const std::string& cell) {
  if (cell.empty())
    return false;
  size_t i = cell[0] == '-' ? 1 : 0;
  if (i == cell.size())
    return false;
  return std::all_of(cell.begin() + static_cast<std::ptrdiff_t>(i), cell.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == ','; });
}

/// Display width: UTF-8 continuation bytes take no column.
size_t width(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

void write(std::FILE* stream, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stream);
}

} // namespace

bool wants_color(std::FILE* stream) {
  if (std::getenv("NO_COLOR") != nullptr)
    return false;
  const char* term = std::getenv("TERM");
  if (term == nullptr || std::strcmp(term, "dumb") == 0)
    return false;
  return isatty(fileno(stream)) != 0;
}

std::string table::render(bool color) const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t c = 0; c < headers_.size(); ++c)
    widths[c] = width(headers_[c]);
  for (const auto& row : rows_)
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], width(row[c]));
  auto render_row = [&](const std::vector<std::string>& row, bool numeric_right) {
    std::string line;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : std::string{};
      std::string pad(widths[c] - std::min(widths[c], width(cell)), ' ');
      bool last = c + 1 == widths.size();
      if (numeric_right && looks_numeric(cell))
        line += pad + cell;
      else
        line += cell + (last ? std::string{} : pad);
      if (!last)
        line += "  ";
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    return line + "\n";
  };
  std::string out = render_row(headers_, false);
  if (color)
    out = bold + out.substr(0, out.size() - 1) + reset + "\n";
  for (const auto& row : rows_)
    out += render_row(row, align_numbers_);
  return out;
}

output::output(bool json)
    : json_(json), color_out_(wants_color(stdout)), color_err_(wants_color(stderr)) {}

void output::print(const table& t, const std::string& when_empty) {
  if (t.empty()) {
    line(when_empty);
    return;
  }
  write(stdout, t.render(color_out_));
  std::fflush(stdout);
}

void output::print(const nlohmann::json& doc) {
  line(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void output::line(const std::string& text) {
  write(stdout, text + "\n");
  std::fflush(stdout);
}

void output::note(const std::string& text) {
  if (!json_)
    write(stderr, text + "\n");
}

void output::error(const std::string& message) {
  if (color_err_)
    write(stderr, std::string(red) + "trib: " + message + reset + "\n");
  else
    write(stderr, "trib: " + message + "\n");
}

progress_line::progress_line(std::string verb)
    : verb_(std::move(verb)), enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void progress_line::update(uint64_t records, uint64_t bytes) {
  if (!enabled_)
    return;
  auto now = std::chrono::steady_clock::now();
  // Only after a second (short runs print nothing) and at most 4 times a second.
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(250))
    return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  auto rate = static_cast<uint64_t>(static_cast<double>(records) / seconds);
  std::string text = "\r\033[K" + verb_ + " " + with_commas(records) + " records, " +
                     human_bytes(bytes) + ", " + with_commas(rate) + " rec/s";
  write(stderr, text);
  std::fflush(stderr);
  shown_ = true;
}

void progress_line::finish() {
  if (shown_)
    write(stderr, "\r\033[K");
  shown_ = false;
}

std::string with_commas(uint64_t n) {
  auto digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string count_of(uint64_t n, const std::string& noun) {
  return with_commas(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string human_bytes(uint64_t n) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(n);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
  return buf;
}

std::string format_timestamp(int64_t ms) {
  if (ms < 0)
    return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

} // namespace tributary::trib
