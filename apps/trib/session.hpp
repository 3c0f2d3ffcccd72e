#pragma once
// session: what every trib command gets -- the global options, the output, and the node
// connection (opened on first use, so `trib --help` and usage errors never connect).
// Commands register themselves on the CLI11 app and leave one action to run after parsing.

#include "connect.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include "tributary/client/error.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace CLI {
class App;
} // namespace CLI

namespace tributary::trib {

class session {
public:
  session() = default;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  global_options& options() noexcept { return options_; }
  /// The output; created after parsing (it depends on --json).
  output& out();

  /// The connection, opened on first call; nullptr after reporting why (then return
  /// failed_code()).
  client::connection* connection();
  int failed_code() const noexcept { return failed_code_; }

  /// Reports `e` (one line on stderr) and returns its exit code: 3 when the node could not
  /// be reached (network errors), 1 for everything the node refused.
  int fail(const client::error& e, const std::string& context = {});
  /// Reports a failure and returns its code.
  int fail(const failure& f);

private:
  global_options options_;
  std::unique_ptr<output> out_;
  std::optional<client::connection> connection_;
  int failed_code_ = exit_ok;
};

/// The command chosen on the command line; run by main after parsing.
using action = std::function<int(session&)>;

/// Each command group adds its subcommands to `app`; the chosen one stores its action.
void add_topic_commands(CLI::App& app, action& chosen);
void add_produce_command(CLI::App& app, action& chosen);
void add_consume_command(CLI::App& app, action& chosen);
void add_group_commands(CLI::App& app, action& chosen);
void add_cluster_commands(CLI::App& app, action& chosen);

} // namespace tributary::trib
