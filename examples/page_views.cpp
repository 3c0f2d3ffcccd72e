// Page views joined with user profiles (stream-table), counted per region, and the same views
// split into per-user sessions (session windows: 30 minutes of inactivity close a session).
//
//   page-views (user -> page) join user-profiles (user -> {"region": ...})
//     -> group_by(region) -> count("views-per-region") -> to("views-per-region")
//   page-views -> group_by_key -> windowed_by(session 30 min) -> count("user-sessions")
//     -> to("user-sessions")
//
//   page_views [--connect embedded:./tributary-data | host:port] [--demo]
#include "example_util.hpp"

#include "tributary/client/producer.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace ts = tributary::streams;
using json = nlohmann::json;

namespace {

constexpr int64_t minute = 60'000;

ts::topology page_views_topology() {
  ts::stream_builder builder;
  auto profiles = builder.table<std::string, json>(
      "user-profiles", {}, ts::materialized<std::string, json>::as("profiles"));
  auto views = builder.stream<std::string, std::string>("page-views");
  views
      .join(profiles,
            [](const std::string& page, const json& profile) {
              return json{{"page", page}, {"region", profile.value("region", "unknown")}};
            })
      .group_by([](const std::string&, const json& v) { return v["region"].get<std::string>(); },
                ts::grouped<std::string, json>{{}, "views-by-region"})
      .count(ts::materialized<std::string, int64_t>::as("views-per-region"))
      .to_stream()
      .to("views-per-region");
  views.group_by_key()
      .windowed_by(ts::session_windows::with_inactivity_gap(30 * minute, 5 * minute))
      .count(ts::materialized<std::string, int64_t>::as("user-sessions"))
      .to_stream()
      .to("user-sessions");
  auto topo = builder.build();
  if (!topo) {
    std::fprintf(stderr, "%s\n", topo.err().to_string().c_str());
    std::exit(2);
  }
  return *topo;
}

/// The latest value per key of a topic's records (a null value deletes the key).
std::map<std::string, std::string>
table_of(const std::vector<tributary::client::consumer_record>& rs) {
  std::map<std::string, std::string> out;
  for (const auto& r : rs) {
    if (!r.key)
      continue;
    if (r.value)
      out[*r.key] = *r.value;
    else
      out.erase(*r.key);
  }
  return out;
}

int run(const examples::options& opts) {
  const bool demo = opts.demo;
  auto topo = page_views_topology();
  std::printf("%s", topo.describe().c_str());
  auto conn = examples::connect_or_exit(opts.url);
  examples::ensure_topics(conn,
                          {"page-views", "user-profiles", "views-per-region", "user-sessions"}, 2);
  auto app = examples::make_app(topo, conn, opts);
  auto producer = tributary::client::producer::create(conn);
  auto send = [&](const std::string& topic, const std::string& key, const std::string& value,
                  int64_t ts) {
    (void)producer->send({topic, std::nullopt, key, value, {}, ts}).get();
  };
  const int64_t t0 = 1'700'000'000'000;
  if (demo) {
    send("user-profiles", "alice", json{{"region", "eu"}}.dump(), t0);
    send("user-profiles", "bob", json{{"region", "us"}}.dump(), t0);
  }
  bool views_sent = false;
  std::map<std::string, int64_t> regions;
  std::map<std::string, int64_t> sessions; // "user [start,end]" -> views
  auto done = [&] {
    if (!views_sent) {
      if (app->query_all("profiles").size() < 2)
        return false; // profiles first, so every view finds its user
      send("page-views", "alice", "/home", t0 + minute);
      send("page-views", "alice", "/cart", t0 + 2 * minute);
      send("page-views", "bob", "/home", t0 + 5 * minute);
      send("page-views", "alice", "/pay", t0 + 120 * minute); // a new session
      views_sent = true;
    }
    regions.clear();
    for (const auto& [k, v] : table_of(examples::read_topic(conn, "views-per-region")))
      regions[k] = *tributary::client::serde<int64_t>::deserialize(v);
    sessions.clear();
    for (const auto& [k, v] : table_of(examples::read_topic(conn, "user-sessions"))) {
      auto w = ts::windowed_serde<std::string>().deserialize(k);
      if (w)
        sessions[w->key + " [" + std::to_string((w->start - t0) / minute) + "," +
                 std::to_string((w->end - t0) / minute) + "] min"] =
            *tributary::client::serde<int64_t>::deserialize(v);
    }
    return regions == std::map<std::string, int64_t>{{"eu", 3}, {"us", 1}} && sessions.size() == 3;
  };
  int code = examples::run_until(*app, demo ? std::function<bool()>(done) : nullptr,
                                 std::chrono::minutes(demo ? 2 : 1'000'000));
  if (demo) {
    for (const auto& [region, n] : regions)
      std::printf("region %-4s %lld views\n", region.c_str(), static_cast<long long>(n));
    for (const auto& [session, n] : sessions)
      std::printf("session %-22s %lld views\n", session.c_str(), static_cast<long long>(n));
    bool right = code == 0 && sessions["alice [1,2] min"] == 2 &&
                 sessions["alice [120,120] min"] == 1 && sessions["bob [5,5] min"] == 1;
    std::printf(right ? "page views: OK\n" : "page views: FAILED\n");
    return right ? 0 : 1;
  }
  return code;
}

} // namespace

int main(int argc, char** argv) {
  return examples::example_main(
      argc, argv, "Tributary Streams page views per region and per session", "page-views", run);
}
