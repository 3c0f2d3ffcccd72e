#pragma once
// trib's exit codes, the contract scripts rely on (printed in `trib --help` and apps/README.md),
// and the error type commands return to main.

#include <string>

namespace tributary::trib {

enum exit_code : int {
  exit_ok = 0,             // the command did what was asked
  exit_node_error = 1,     // the node refused: topic exists, unknown topic, invalid config, ...
  exit_usage = 2,          // bad command line or bad input (a line without the key separator)
  exit_cannot_connect = 3, // no node at --bootstrap, the connection broke, or --embedded failed
};

/// What a failed command reports: the exit code and one line for stderr ("trib: " is added).
struct failure {
  int code = exit_node_error;
  std::string message;
};

/// The `trib --help` footer describing the exit codes and the connection settings.
inline const char* exit_code_footer() {
  return "Connection: --bootstrap HOST:PORT (env TRIB_BOOTSTRAP, default 127.0.0.1:19092, the\n"
         "node's native listener) or --embedded DIR (an in-process node on data folder DIR).\n"
         "\n"
         "Exit codes:\n"
         "  0  success\n"
         "  1  the node refused the request (topic exists, unknown topic or partition,\n"
         "     invalid config, record too large, ...); the message names what was wrong\n"
         "  2  usage error: bad command line or bad input\n"
         "  3  cannot connect: no node at the address, the connection broke, or the embedded\n"
         "     node could not start\n"
         "Errors go to stderr as one line starting with 'trib: '; --json output goes to stdout.";
}

} // namespace tributary::trib
