// The settings registry: lookup by name, alias and environment variable; typo suggestions.

#include "tributary/config/registry.hpp"

#include "tables.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace tributary::config {

registry::registry(std::vector<setting_def> defs) : defs_(std::move(defs)) {
  for (std::size_t i = 0; i < defs_.size(); ++i) {
    const auto& def = defs_[i];
    [[maybe_unused]] bool fresh = own_.emplace(def.name, i).second;
    assert(fresh && "duplicate setting name");
    auto add = [&](const std::string& name, int64_t scale) {
      [[maybe_unused]] bool is_new = names_.emplace(name, setting_match{&def, scale}).second;
      assert(is_new && "duplicate setting name or alias");
      is_new = env_.emplace(env_name(name), setting_match{&def, scale}).second;
      assert(is_new && "two names map to the same TRIB_* variable");
    };
    add(def.name, 1);
    for (const auto& alias : def.aliases)
      add(alias.name, alias.scale);
  }
}

std::optional<std::size_t> registry::index_of(std::string_view name) const {
  if (auto it = own_.find(name); it != own_.end())
    return it->second;
  return std::nullopt;
}

std::optional<setting_match> registry::resolve(std::string_view name) const {
  if (auto it = names_.find(name); it != names_.end())
    return it->second;
  return std::nullopt;
}

std::optional<setting_match> registry::resolve_env(std::string_view variable) const {
  if (auto it = env_.find(variable); it != env_.end())
    return it->second;
  return std::nullopt;
}

std::string registry::suggest(std::string_view typo) const {
  std::size_t best = std::string::npos;
  std::string best_name;
  for (const auto& [name, match] : names_) {
    auto d = edit_distance(typo, name);
    if (d < best) {
      best = d;
      best_name = name;
    }
  }
  // Close enough to be a typo: a couple of edits, more for long names, never most of the word.
  auto limit = std::max<std::size_t>(2, typo.size() / 4);
  if (best > limit || best * 2 >= typo.size())
    return {};
  return best_name;
}

std::string registry::unknown_message(std::string_view typed, std::string_view where) const {
  std::string text =
      "unknown setting '" + std::string(typed) + "' (from " + std::string(where) + ")";
  if (auto hint = suggest(typed); !hint.empty())
    return text + ": did you mean '" + hint + "'?";
  return text + "; tributary --help lists every setting";
}

const registry& broker_registry() {
  static const registry instance(detail::broker_defs());
  return instance;
}

const registry& topic_registry() {
  static const registry instance(detail::topic_defs());
  return instance;
}

std::string env_name(std::string_view setting_name) {
  std::string out = "TRIB_";
  for (char c : setting_name)
    out +=
        c == '.' || c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: three rows are enough for the transposition lookback.
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

} // namespace tributary::config
