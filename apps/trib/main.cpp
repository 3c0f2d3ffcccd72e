// trib: the command-line client. Parses the command line (CLI11), then runs the one command
// chosen; each command group lives in its own file (topic_commands, produce_command,
// consume_command, group_commands, cluster_commands). Exit codes: exit_codes.hpp.

#include "exit_codes.hpp"
#include "session.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>

#ifndef TRIB_VERSION
#define TRIB_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace tributary::trib;
  std::signal(SIGPIPE, SIG_IGN); // `trib consume ... | head` ends with a write error, not a signal
  session s;
  auto& opts = s.options();
  CLI::App app{"trib: manage topics and groups, produce and consume records on a Tributary node",
               "trib"};
  app.set_version_flag("--version", "trib " TRIB_VERSION);
  app.require_subcommand(1);
  app.fallthrough(); // global options may follow the subcommand: `trib topic list --json`
  app.footer(exit_code_footer());
  // TRIB_BOOTSTRAP read here rather than through CLI11's envname(): CLI11 would count the
  // variable as a use of --bootstrap and refuse it next to --embedded.
  if (const char* env = std::getenv("TRIB_BOOTSTRAP"); env != nullptr && *env != '\0')
    opts.bootstrap = env;
  auto* bootstrap = app.add_option("-b,--bootstrap", opts.bootstrap,
                                   "HOST:PORT of the node's native listener (env TRIB_BOOTSTRAP)")
                        ->capture_default_str();
  app.add_option("--embedded", opts.embedded_dir,
                 "run against an in-process node on data folder DIR (no `tributary` needed)")
      ->type_name("DIR")
      ->excludes(bootstrap);
  app.add_flag("--json", opts.json, "machine-readable JSON on stdout");
  app.add_flag("-v,--verbose", opts.verbose,
               "log the client's progress (rebalances, ...) on stderr");
  app.add_option("--timeout", opts.timeout_ms, "connect timeout in milliseconds")
      ->capture_default_str();

  action chosen;
  add_topic_commands(app, chosen);
  add_produce_command(app, chosen);
  add_consume_command(app, chosen);
  add_group_commands(app, chosen);
  add_cluster_commands(app, chosen);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) { // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e); // prints the message and the usage hint on stderr
    return exit_usage;
  }
  if (!chosen)
    return exit_usage; // a command group without its subcommand (CLI11 already complained)
  return chosen(s);
}
