#pragma once
// kv_view<K, V>: a task's key-value store seen through serdes. Keys are serialized to find
// entries (byte order is the store's order); values are serialized on put and deserialized
// on get. A value that no longer deserializes (a serde changed under existing state) reads
// as absent; a store that fails (SQLite I/O) throws, which the task's processing error
// handler turns into log-and-continue, fail or dead-letter like any operator error.

#include "tributary/streams/serde.hpp"
#include "tributary/streams/state/kv_store.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace tributary::streams::detail {

template <class K, class V>
class kv_view {
public:
  kv_view() = default;
  kv_view(state::kv_store* store, serdes<K, V> s) : store_(store), serdes_(std::move(s)) {}

  bool valid() const { return store_ != nullptr; }

  std::optional<V> get(const K& key) const { return get_bytes(serdes_.key.serialize(key)); }

  std::optional<V> get_bytes(const std::string& key_bytes) const {
    auto raw = store_->get(key_bytes);
    if (!raw) // the store failed (I/O): the task's processing error handler decides
      throw std::runtime_error("store " + store_->name() + ": " + raw.err().to_string());
    if (!*raw)
      return std::nullopt;
    auto v = serdes_.value.deserialize(**raw);
    if (!v)
      return std::nullopt;
    return std::move(*v);
  }

  void put(const K& key, const std::optional<V>& value) {
    put_bytes(serdes_.key.serialize(key), value);
  }

  void put_bytes(const std::string& key_bytes, const std::optional<V>& value) {
    if (value)
      store_->put(key_bytes, serdes_.value.serialize(*value));
    else
      store_->put(key_bytes, std::nullopt);
  }

  const serdes<K, V>& with() const { return serdes_; }

private:
  state::kv_store* store_ = nullptr;
  serdes<K, V> serdes_;
};

} // namespace tributary::streams::detail
