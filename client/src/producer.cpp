#include "tributary/client/producer.hpp"

#include "producer_sender.hpp"
#include "record_accumulator.hpp"

#include "tributary/client/metadata_cache.hpp"

#include "caf/all.hpp"

namespace tributary::client {

using protocol::kafka_error;
using namespace detail;

struct producer::impl {
  connection conn;
  producer_config config;
  std::shared_ptr<metadata_cache> metadata;
  std::shared_ptr<record_accumulator> accumulator;
  std::shared_ptr<sender_metrics> metrics;
  caf::actor sender;
  std::mutex close_mutex;
  bool closed = false;

  impl(connection c, producer_config cfg) : conn(std::move(c)), config(std::move(cfg)) {}
};

namespace {

clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  auto now = clock::now();
  if (timeout >=
      std::chrono::duration_cast<std::chrono::milliseconds>(clock::time_point::max() - now))
    return clock::time_point::max();
  return now + timeout;
}

} // namespace

producer::producer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

producer::producer(producer&&) noexcept = default;

producer& producer::operator=(producer&& other) noexcept {
  if (this != &other) {
    if (impl_)
      (void)close(std::chrono::milliseconds(impl_->config.delivery_timeout_ms));
    impl_ = std::move(other.impl_);
  }
  return *this;
}

producer::~producer() {
  if (impl_)
    (void)close(std::chrono::milliseconds(impl_->config.delivery_timeout_ms));
}

outcome<producer> producer::create(connection conn, producer_config config) {
  if (auto ok = config.validate(); !ok)
    return ok.err();
  auto p = std::make_unique<impl>(std::move(conn), std::move(config));
  p->metadata =
      std::make_shared<metadata_cache>(p->conn, p->config.allow_auto_create_topics,
                                       std::chrono::milliseconds(p->config.metadata_max_age_ms));
  p->metrics = std::make_shared<sender_metrics>();
  // The hooks reach the sender through a weak address: the accumulator must not keep the
  // sender alive (the sender holds the accumulator).
  auto sender_addr = std::make_shared<caf::actor_addr>();
  accumulator_hooks hooks;
  auto md = p->metadata;
  hooks.partitions = [md](const std::string& topic, std::chrono::milliseconds timeout) {
    return md->partition_count(topic, timeout);
  };
  hooks.metadata_version = [md] { return md->version(); };
  hooks.wake = [sender_addr] { send_wake(caf::actor_cast<caf::actor>(*sender_addr)); };
  hooks.arm_linger = [sender_addr](clock::time_point deadline) {
    send_linger(caf::actor_cast<caf::actor>(*sender_addr), deadline);
  };
  p->accumulator = std::make_shared<record_accumulator>(p->config, std::move(hooks));
  auto ctx = std::make_shared<sender_context>(
      sender_context{p->conn, p->config, p->accumulator, p->metadata, p->metrics});
  p->sender = spawn_sender(std::move(ctx));
  *sender_addr = p->sender.address();
  return producer{std::move(p)};
}

outcome<producer> producer::create(connection conn,
                                   const std::map<std::string, std::string>& config) {
  auto cfg = producer_config::from_map(config);
  if (!cfg)
    return cfg.err();
  return create(std::move(conn), std::move(*cfg));
}

outcome<producer> producer::create(const std::map<std::string, std::string>& config) {
  auto cfg = producer_config::from_map(config);
  if (!cfg)
    return cfg.err();
  if (cfg->bootstrap_servers.empty())
    return make_error(kafka_error::invalid_config,
                      "producer config bootstrap.servers is missing: give a connection url "
                      "('host:port', 'tributary://host:port' or 'embedded[:folder]')");
  auto conn = connection::open(cfg->bootstrap_servers);
  if (!conn)
    return conn.err();
  return create(std::move(*conn), std::move(*cfg));
}

void producer::send(const producer_record& record, delivery_callback on_delivery) {
  impl_->accumulator->append(record, std::move(on_delivery));
}

std::future<outcome<record_metadata>> producer::send(const producer_record& record) {
  auto promise = std::make_shared<std::promise<outcome<record_metadata>>>();
  auto future = promise->get_future();
  impl_->accumulator->append(
      record, [promise](const outcome<record_metadata>& r) { promise->set_value(r); });
  return future;
}

outcome<void> producer::flush(std::chrono::milliseconds timeout) {
  if (impl_->accumulator->flush(deadline_after(timeout)))
    return {};
  return make_error(kafka_error::request_timed_out,
                    "flush did not complete within " + std::to_string(timeout.count()) + " ms (" +
                        std::to_string(impl_->accumulator->incomplete_batches()) +
                        " batches outstanding)");
}

outcome<void> producer::close(std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> guard{impl_->close_mutex};
  if (impl_->closed)
    return {};
  impl_->closed = true;
  auto& acc = *impl_->accumulator;
  acc.close();
  bool delivered = acc.flush(deadline_after(timeout));
  close_sender(impl_->conn.system(), impl_->sender);
  impl_->sender = nullptr;
  acc.abort(make_error(kafka_error::unknown_server_error,
                       "producer closed before the record was delivered"));
  if (delivered)
    return {};
  return make_error(kafka_error::request_timed_out,
                    "producer close: records not delivered within " +
                        std::to_string(timeout.count()) + " ms were failed");
}

outcome<int32_t> producer::partition_count(const std::string& topic) {
  return impl_->metadata->partition_count(topic,
                                          std::chrono::milliseconds(impl_->config.max_block_ms));
}

producer_metrics producer::metrics() const {
  auto& m = *impl_->metrics;
  producer_metrics out;
  out.records_sent = m.records_sent.load(std::memory_order_relaxed);
  out.records_failed = m.records_failed.load(std::memory_order_relaxed);
  out.batches_sent = m.batches_sent.load(std::memory_order_relaxed);
  out.requests = m.requests.load(std::memory_order_relaxed);
  out.retries = m.retries.load(std::memory_order_relaxed);
  out.bytes_sent = m.bytes_sent.load(std::memory_order_relaxed);
  return out;
}

const producer_config& producer::config() const {
  return impl_->config;
}

const connection& producer::conn() const {
  return impl_->conn;
}

} // namespace tributary::client
