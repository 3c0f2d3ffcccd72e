// The APIs and versions this node serves. The codec decodes every version in the schemas;
// the caps here are the versions whose semantics the handlers implement:
//  * Produce from v3 and Fetch from v4: RecordBatch v2 only (older versions carry the
//    magic 0/1 message sets Tributary does not store).
//  * Fetch up to v12 and DeleteTopics up to v5: later versions name topics by id only.
//  * Produce up to v9, Metadata up to v12: what current clients use; later ones add only
//    fields for multi-node leader changes.
#include "handlers.hpp"

#include <algorithm>
#include <array>

namespace tributary::kafka {

namespace pk = protocol::kafka;
using pk::api_key;

namespace {

struct cap {
  api_key key;
  int16_t min;
  int16_t max;
  api_handler handler;
};

constexpr cap k_caps[] = {
    {api_key::produce, 3, 9, &handle_produce},
    {api_key::fetch, 4, 12, &handle_fetch},
    {api_key::list_offsets, 0, 7, &handle_list_offsets},
    {api_key::metadata, 0, 12, &handle_metadata},
    {api_key::offset_commit, 0, 8, &handle_offset_commit},
    {api_key::offset_fetch, 0, 8, &handle_offset_fetch},
    {api_key::find_coordinator, 0, 4, &handle_find_coordinator},
    {api_key::join_group, 0, 9, &handle_join_group},
    {api_key::heartbeat, 0, 4, &handle_heartbeat},
    {api_key::leave_group, 0, 5, &handle_leave_group},
    {api_key::sync_group, 0, 5, &handle_sync_group},
    {api_key::describe_groups, 0, 5, &handle_describe_groups},
    {api_key::list_groups, 0, 4, &handle_list_groups},
    {api_key::sasl_handshake, 0, 1, &handle_sasl_handshake},
    {api_key::api_versions, 0, 3, &handle_api_versions},
    {api_key::create_topics, 0, 7, &handle_create_topics},
    {api_key::delete_topics, 0, 5, &handle_delete_topics},
    {api_key::delete_records, 0, 2, &handle_delete_records},
    {api_key::init_producer_id, 0, 4, &handle_init_producer_id},
    {api_key::describe_configs, 0, 4, &handle_describe_configs},
    {api_key::alter_configs, 0, 2, &handle_alter_configs},
    {api_key::create_partitions, 0, 3, &handle_create_partitions},
    {api_key::delete_groups, 0, 2, &handle_delete_groups},
    {api_key::incremental_alter_configs, 0, 1, &handle_incremental_alter_configs},
    {api_key::offset_delete, 0, 0, &handle_offset_delete},
    {api_key::describe_cluster, 0, 1, &handle_describe_cluster},
    {api_key::describe_producers, 0, 0, &handle_describe_producers},
};

constexpr size_t k_count = sizeof(k_caps) / sizeof(k_caps[0]);

// The caps intersected with what the generated codec has, sorted by api key.
std::array<served_api, k_count> build_table() {
  std::array<served_api, k_count> out{};
  size_t n = 0;
  for (const auto& c : k_caps) {
    auto generated = pk::supported_versions(c.key);
    pk::version_range r;
    if (!generated.empty()) {
      r.min = std::max(c.min, generated.min);
      r.max = std::min(c.max, generated.max);
      if (r.min > r.max)
        r = {};
    }
    out[n++] = served_api{c.key, r, c.handler};
  }
  std::sort(out.begin(), out.end(), [](const served_api& a, const served_api& b) {
    return static_cast<int16_t>(a.key) < static_cast<int16_t>(b.key);
  });
  return out;
}

const std::array<served_api, k_count>& table() {
  static const auto instance = build_table();
  return instance;
}

} // namespace

const served_api* find_served_api(api_key key) noexcept {
  for (const auto& api : table())
    if (api.key == key)
      return api.versions.empty() ? nullptr : &api;
  return nullptr;
}

protocol::span<const served_api> served_apis() noexcept {
  return {table().data(), table().size()};
}

} // namespace tributary::kafka
