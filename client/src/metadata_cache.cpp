#include "tributary/client/metadata_cache.hpp"

#include "connection_request.hpp"

#include <algorithm>

namespace tributary::client {

using protocol::kafka_error;

metadata_cache::metadata_cache(connection conn, bool allow_auto_create,
                               std::chrono::milliseconds max_age)
    : conn_(std::move(conn)), allow_auto_create_(allow_auto_create), max_age_(max_age) {}

outcome<int32_t> metadata_cache::partition_count(const std::string& topic,
                                                 std::chrono::milliseconds timeout) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = topics_.find(topic);
    if (i != topics_.end() && i->second.error == 0 &&
        std::chrono::steady_clock::now() - i->second.fetched < max_age_)
      return i->second.partitions;
  }
  auto r = refresh({topic}, timeout);
  if (!r)
    return r.err();
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = topics_.find(topic);
  if (i == topics_.end())
    return make_error(kafka_error::unknown_topic_or_partition,
                      "tributary node " + conn_.description() + " did not describe topic '" +
                          topic + "'");
  if (i->second.error != 0)
    return make_error(i->second.error, i->second.error_message.empty()
                                           ? "topic '" + topic + "': " +
                                                 std::string{protocol::kafka_error_message(
                                                     protocol::to_kafka_error(i->second.error))}
                                           : i->second.error_message);
  return i->second.partitions;
}

std::optional<int32_t> metadata_cache::cached_partition_count(const std::string& topic) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = topics_.find(topic);
  if (i == topics_.end() || i->second.error != 0)
    return std::nullopt;
  return i->second.partitions;
}

outcome<actors::metadata_response> metadata_cache::refresh(const std::vector<std::string>& topics,
                                                           std::chrono::milliseconds timeout) {
  auto r = blocking_request<actors::metadata_response>(conn_, make_request(topics), timeout);
  if (r)
    update(*r);
  return r;
}

actors::metadata_request metadata_cache::make_request(std::vector<std::string> topics) const {
  actors::metadata_request req;
  req.all_topics = topics.empty();
  req.topics = std::move(topics);
  req.allow_auto_create = allow_auto_create_;
  return req;
}

void metadata_cache::update(const actors::metadata_response& response) {
  std::lock_guard<std::mutex> guard{mutex_};
  for (auto& t : response.topics)
    store(t);
  version_.fetch_add(1, std::memory_order_release);
}

void metadata_cache::store(const actors::topic_metadata& t) {
  entry e;
  e.error = t.error;
  e.error_message = t.error_message;
  e.partitions = static_cast<int32_t>(t.partitions.size());
  e.fetched = std::chrono::steady_clock::now();
  if (e.error == 0 && e.partitions == 0)
    e.error = protocol::code_of(kafka_error::leader_not_available); // still being created
  topics_[t.name] = std::move(e);
}

void metadata_cache::invalidate(const std::string& topic) {
  std::lock_guard<std::mutex> guard{mutex_};
  topics_.erase(topic);
  version_.fetch_add(1, std::memory_order_release);
}

std::vector<std::string> metadata_cache::topics() const {
  std::vector<std::string> out;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    for (auto& [name, e] : topics_)
      if (e.error == 0)
        out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace tributary::client
