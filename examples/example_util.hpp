#pragma once
// What the examples share: opening the connection they were asked for, creating their
// topics, and running an app until Ctrl-C (or, in --demo mode, until the results are in).

#include "tributary/client/admin.hpp"
#include "tributary/client/connection.hpp"
#include "tributary/client/record.hpp"
#include "tributary/streams/streams.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace examples {

/// What every example takes on its command line.
struct options {
  std::string url = "embedded:./tributary-data"; // --connect
  std::string application_id;                    // --application-id
  std::string state_dir = "./tributary-streams-state";
  bool demo = false; // --demo: a fresh embedded node and state in a temp folder
};

/// An example's main(): parses the options (`application_id` is the default id), points a
/// --demo run at a temp folder removed afterwards (after `run` returned, so the embedded
/// node has stopped), and returns run's exit code.
int example_main(int argc, char** argv, const std::string& description,
                 const std::string& application_id, const std::function<int(const options&)>& run);

/// A streams_app for `topo` with the options' id and state folder; commits every 100 ms in
/// demos (results show up quickly), every second otherwise. Exits on a bad configuration.
std::unique_ptr<tributary::streams::streams_app> make_app(const tributary::streams::topology& topo,
                                                          tributary::client::connection& conn,
                                                          const options& opts);

/// "embedded:<dir>" / "host:port"; exits the program with a message when it cannot connect.
tributary::client::connection connect_or_exit(const std::string& url);

/// Creates the topics that do not exist yet (partitions each); exits on other errors.
void ensure_topics(tributary::client::connection& conn, const std::vector<std::string>& topics,
                   int32_t partitions);

/// Every record of `topic` now (all partitions, from the start), read with a group-less
/// consumer; bounded to a few seconds.
std::vector<tributary::client::consumer_record> read_topic(tributary::client::connection& conn,
                                                           const std::string& topic);

/// Runs `app` until SIGINT/SIGTERM, or until done() returns true (checked every 100 ms,
/// at most `limit`). Returns the process exit code: 0, or 1 when the app failed or timed out.
int run_until(tributary::streams::streams_app& app, const std::function<bool()>& done,
              std::chrono::milliseconds limit);

} // namespace examples
