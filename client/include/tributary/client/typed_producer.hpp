#pragma once
// typed_producer<K, V>: a producer whose keys and values are C++ types, serialized with
// serde<K> / serde<V> (serdes.hpp) before they reach the untyped producer. A thin wrapper:
// same threading, callbacks and errors as producer; owns its producer.
//
//   auto p = typed_producer<std::string, nlohmann::json>::create(conn);
//   p->send("orders", "customer-7", nlohmann::json{{"total", 12.5}});

#include "tributary/client/producer.hpp"
#include "tributary/client/serdes.hpp"

#include <optional>
#include <utility>

namespace tributary::client {

template <class K, class V>
class typed_producer {
public:
  static outcome<typed_producer> create(connection conn, producer_config config = {}) {
    auto p = producer::create(std::move(conn), std::move(config));
    if (!p)
      return p.err();
    return typed_producer{std::move(*p)};
  }
  static outcome<typed_producer> create(connection conn,
                                        const std::map<std::string, std::string>& config) {
    auto p = producer::create(std::move(conn), config);
    if (!p)
      return p.err();
    return typed_producer{std::move(*p)};
  }

  /// A null key (nullopt) takes the sticky partition; a null value is a tombstone.
  void send(const std::string& topic, const std::optional<K>& key, const std::optional<V>& value,
            delivery_callback on_delivery = {}, std::optional<int32_t> partition = std::nullopt) {
    inner_.send(make_record(topic, key, value, partition), std::move(on_delivery));
  }

  std::future<outcome<record_metadata>> send_future(const std::string& topic,
                                                    const std::optional<K>& key,
                                                    const std::optional<V>& value) {
    return inner_.send(make_record(topic, key, value, std::nullopt));
  }

  outcome<void> flush(std::chrono::milliseconds timeout = std::chrono::milliseconds::max()) {
    return inner_.flush(timeout);
  }
  outcome<void> close(std::chrono::milliseconds timeout = std::chrono::milliseconds::max()) {
    return inner_.close(timeout);
  }
  producer& untyped() noexcept { return inner_; }

private:
  explicit typed_producer(producer p) : inner_(std::move(p)) {}

  static producer_record make_record(const std::string& topic, const std::optional<K>& key,
                                     const std::optional<V>& value,
                                     std::optional<int32_t> partition) {
    producer_record r;
    r.topic = topic;
    r.partition = partition;
    r.key = serialize_optional(key);
    r.value = serialize_optional(value);
    return r;
  }

  producer inner_;
};

} // namespace tributary::client
