// The TOML layer. toml++ throws: every call into it is caught here, nothing escapes.

#include "tributary/config/errc.hpp"
#include "tributary/config/sources.hpp"
#include "value_parse.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tributary::config {

namespace {

result<void> fail(std::string* why, errc code, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(code);
}

std::string place(const std::string& file, const toml::node& node) {
  return file + ":" + std::to_string(node.source().begin.line);
}

// A TOML scalar as the text the setting parser reads; false for tables, dates, nested arrays.
bool scalar_text(const toml::node& node, std::string& out) {
  if (auto s = node.as_string()) {
    out = s->get();
    return true;
  }
  if (auto i = node.as_integer()) {
    out = std::to_string(i->get());
    return true;
  }
  if (auto f = node.as_floating_point()) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, f->get());
    out.assign(buf, ec == std::errc{} ? ptr : buf);
    return true;
  }
  if (auto b = node.as_boolean()) {
    out = b->get() ? "true" : "false";
    return true;
  }
  return false;
}

bool value_text(const toml::node& node, std::string& out) {
  if (auto array = node.as_array()) {
    out.clear();
    for (const auto& item : *array) {
      std::string text;
      if (!scalar_text(item, text))
        return false;
      out += (out.empty() ? "" : ",") + text;
    }
    return true;
  }
  return scalar_text(node, out);
}

result<void> apply_table(settings& values, const toml::table& table, const std::string& prefix,
                         const std::string& file, std::string* why) {
  for (const auto& [key, node] : table) {
    std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (auto sub = node.as_table()) {
      TRIB_TRY(apply_table(values, *sub, name, file, why));
      continue;
    }
    std::string text;
    if (!value_text(node, text))
      return fail(why, errc::invalid_value,
                  "'" + name + "' (" + place(file, node) +
                      ") must be a string, number, boolean or array of those");
    TRIB_TRY(values.set(name, text, {config_source::config_file, place(file, node), {}}, why));
  }
  return {};
}

} // namespace

result<void> apply_toml_text(settings& values, std::string_view text, const std::string& file_name,
                             std::string* why) {
  toml::table table;
  try {
    table = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return fail(why, errc::syntax_error,
                "syntax error in " + file_name + " at line " + std::to_string(at.line) +
                    ", column " + std::to_string(at.column) + ": " + std::string(e.description()));
  } catch (const std::exception& e) {
    return fail(why, errc::syntax_error, "cannot parse " + file_name + ": " + e.what());
  }
  return apply_table(values, table, {}, file_name, why);
}

result<void> apply_toml_file(settings& values, const std::string& path, std::string* why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail(why, errc::file_not_found, "config file '" + path + "' is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(why, errc::file_not_found,
                "cannot read config file '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return fail(why, errc::file_not_found, "cannot read config file '" + path + "'");
  return apply_toml_text(values, text.str(), path, why);
}

} // namespace tributary::config
