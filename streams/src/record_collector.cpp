#include "record_collector.hpp"

namespace tributary::streams {

void record_collector::send(client::producer_record r) {
  producer_.send(r, [this](const client::outcome<client::record_metadata>& md) {
    if (!md)
      failed(md.err());
  });
}

void record_collector::send_changelog(client::producer_record r) {
  producer_.send(r, [this](const client::outcome<client::record_metadata>& md) {
    if (!md)
      return failed(md.err());
    std::lock_guard<std::mutex> lock(mu_);
    auto& end = changelog_ends_[client::topic_partition{md->topic, md->partition}];
    end = std::max(end, md->offset + 1);
  });
}

client::outcome<void> record_collector::flush() {
  auto r = producer_.flush();
  std::lock_guard<std::mutex> lock(mu_);
  if (first_error_) {
    auto e = std::move(*first_error_);
    first_error_.reset();
    return e;
  }
  return r;
}

std::optional<int64_t> record_collector::changelog_end(const client::topic_partition& tp) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = changelog_ends_.find(tp);
  if (it == changelog_ends_.end())
    return std::nullopt;
  return it->second;
}

void record_collector::failed(const client::error& e) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!first_error_)
    first_error_ = e;
}

} // namespace tributary::streams
