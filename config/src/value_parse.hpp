#pragma once
// Private: text -> setting_value for one setting_def (Kafka's parsing rules: trimmed, exact
// integers, true/false, comma lists), range / allowed-value validation, and value -> text.

#include "tributary/config/errc.hpp"
#include "tributary/config/setting.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::config::detail {

/// Parses and validates `raw`; `scale` multiplies integers (aliases such as
/// log.retention.hours). On failure returns false with `code` and a reason that completes
/// "invalid value 'x' for 'key' (from ...): <reason>".
bool parse_value(const setting_def& def, std::string_view raw, int64_t scale, setting_value& out,
                 errc& code, std::string& reason);

/// Canonical text of a value: what describe() reports and what parse_value reads back.
std::string to_text(const setting_def& def, const setting_value& value);

/// "delete, compact".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

std::string_view trim(std::string_view s) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;

} // namespace tributary::config::detail
