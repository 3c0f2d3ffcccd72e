// A `tributary` child process (see node_process.hpp).

#include "node_process.hpp"

#include <chrono>
#include <regex>
#include <stdexcept>
#include <thread>

namespace tributary::itest {

namespace {

constexpr auto ready_bound = std::chrono::seconds(60); // generous: sanitizer builds start slowly

} // namespace

const char* tributary_path() {
  return TRIB_TRIBUTARY_BIN;
}
const char* trib_path() {
  return TRIB_TRIB_BIN;
}

node_process::node_process(const temp_dir& scratch, std::string name)
    : data_dir_(scratch.file(name + "-data")), log_file_(scratch.file(name + ".log")) {}

void node_process::start(const std::vector<std::string>& extra) {
  if (process_ && process_->running())
    throw std::runtime_error("node already running");
  auto log_start = read_file(log_file_).size(); // the log is appended across restarts
  spawn_options options;
  options.argv = {tributary_path(), "--data.dir=" + data_dir_, "--native.listener=127.0.0.1:0",
                  "--listeners=PLAINTEXT://127.0.0.1:0", "--group.initial.rebalance.delay.ms=0"};
  options.argv.insert(options.argv.end(), extra.begin(), extra.end());
  options.stdout_file = log_file_;
  options.stderr_file = log_file_;
  // The node must see only what the test gives it.
  options.unset_env = {"TRIB_CONFIG", "TRIB_BOOTSTRAP"};
  process_ = std::make_unique<child_process>(options);
  static const std::regex native_line(R"(native +127\.0\.0\.1:([0-9]+))");
  auto deadline = std::chrono::steady_clock::now() + ready_bound;
  while (std::chrono::steady_clock::now() < deadline) {
    auto text = read_file(log_file_).substr(log_start);
    std::smatch m;
    if (std::regex_search(text, m, native_line)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1].str()));
      if (can_connect(port_))
        return;
    }
    if (!process_->running())
      throw std::runtime_error("tributary exited during startup:\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  process_->kill_hard();
  throw std::runtime_error("tributary not ready within 60 s:\n" + log());
}

int node_process::stop() {
  return process_ ? process_->stop() : 0;
}

void node_process::kill_hard() {
  if (process_)
    process_->kill_hard();
}

bool node_process::running() {
  return process_ && process_->running();
}

run_result trib(const node_process& node, const std::vector<std::string>& args,
                const temp_dir& scratch, const std::string& input) {
  std::vector<std::string> argv{trib_path(), "--bootstrap", node.bootstrap()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input, scratch);
}

run_result trib_embedded(const std::string& data_dir, const std::vector<std::string>& args,
                         const temp_dir& scratch, const std::string& input) {
  std::vector<std::string> argv{trib_path(), "--embedded", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input, scratch);
}

} // namespace tributary::itest
