#pragma once
// kcat-style output templates for `trib consume --format`: %t topic, %p partition, %o offset,
// %k key, %s value, %T timestamp (ms), %h headers (k=v,k2=v2), %K key length, %S value length
// (-1 for null), %% a percent sign, and the escapes \n \t \r \\. A template is parsed once
// (errors name the bad token) and then renders every record without re-parsing.

#include "tributary/client/record.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tributary::trib {

/// A parsed template; a plain value.
class record_format {
public:
  /// Parses `text`; on an unknown %x or \x token, returns nullopt and sets `why`.
  static std::optional<record_format> parse(const std::string& text, std::string* why);

  /// Appends the rendering of `r` to `out`.
  void render(const client::consumer_record& r, std::string& out) const;

private:
  enum class kind : char {
    literal,
    topic,
    partition,
    offset,
    key,
    value,
    timestamp,
    headers,
    key_size,
    value_size
  };
  struct piece {
    kind what = kind::literal;
    std::string text; // literal text
  };
  std::vector<piece> pieces_;
};

/// The default of `trib consume` without --format: the value and a newline.
inline const char* default_record_format() {
  return "%s\\n";
}

/// One record as a JSON object: topic, partition, offset, timestamp, key, value (null when
/// null), headers as [{"key":..,"value":..}].
nlohmann::json record_to_json(const client::consumer_record& r);

} // namespace tributary::trib
