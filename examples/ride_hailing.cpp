// Ride-hailing demand: ride requests keyed by city zone, counted per zone in 1-minute
// tumbling windows, joined with a table of available drivers per zone; zones with more
// requests than drivers in a minute raise an alert.
//
//   ride-requests (zone -> {"rider": ..., "zone": ...})
//     -> group_by_key -> windowed_by(1 min, grace 10 s) -> count("requests-per-zone-minute")
//     -> to_stream -> map(windowed zone -> zone, {"window_start", "requests"})
//     -> join(drivers-available table: zone -> drivers)          (repartitioned by zone)
//     -> filter(requests > drivers) -> to("zone-alerts")
//
//   ride_hailing [--connect embedded:./tributary-data | host:port] [--demo]
#include "example_util.hpp"

#include "tributary/client/producer.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace ts = tributary::streams;
using json = nlohmann::json;

namespace {

ts::topology ride_hailing_topology() {
  ts::stream_builder builder;
  auto drivers = builder.table<std::string, int64_t>(
      "drivers-available", {}, ts::materialized<std::string, int64_t>::as("drivers-per-zone"));
  builder.stream<std::string, json>("ride-requests")
      .group_by_key()
      .windowed_by(ts::time_windows::of(60'000, 10'000))
      .count(ts::materialized<std::string, int64_t>::as("requests-per-zone-minute"))
      .to_stream()
      .map([](const ts::windowed<std::string>& w, const int64_t& n) {
        return std::make_pair(w.key, json{{"window_start", w.start}, {"requests", n}});
      })
      .join(drivers,
            [](const json& demand, const int64_t& available) {
              auto out = demand;
              out["drivers"] = available;
              return out;
            })
      .filter([](const std::string&, const json& v) {
        return v["requests"].get<int64_t>() > v["drivers"].get<int64_t>();
      })
      .to("zone-alerts");
  auto topo = builder.build();
  if (!topo) {
    std::fprintf(stderr, "%s\n", topo.err().to_string().c_str());
    std::exit(2);
  }
  return *topo;
}

int run(const examples::options& opts) {
  const bool demo = opts.demo;
  auto topo = ride_hailing_topology();
  std::printf("%s", topo.describe().c_str());
  auto conn = examples::connect_or_exit(opts.url);
  examples::ensure_topics(conn, {"ride-requests", "drivers-available", "zone-alerts"}, 2);
  auto app = examples::make_app(topo, conn, opts);
  // The demo: drivers first (and wait until the table holds them), then the requests, so
  // the 3rd and 4th request of zone-a's minute each raise an alert (3 and 4 > 2 drivers).
  auto producer = tributary::client::producer::create(conn);
  auto send = [&](const std::string& topic, const std::string& key, const std::string& value,
                  int64_t ts) {
    tributary::client::producer_record r{topic, std::nullopt, key, value, {}, ts};
    (void)producer->send(r).get();
  };
  const int64_t minute = 1'700'000'040'000; // a minute boundary
  if (demo) {
    send("drivers-available", "zone-a", tributary::client::serde<int64_t>::serialize(2), minute);
    send("drivers-available", "zone-b", tributary::client::serde<int64_t>::serialize(5), minute);
  }
  std::vector<tributary::client::consumer_record> alerts;
  bool requests_sent = false;
  auto done = [&] {
    if (!requests_sent) {
      if (app->query_all("drivers-per-zone").size() < 2)
        return false;
      for (int i = 0; i < 4; ++i) // zone-a: 4 requests, 2 drivers
        send("ride-requests", "zone-a", json{{"rider", "r" + std::to_string(i)}}.dump(),
             minute + 1000 + i * 1000);
      for (int i = 0; i < 3; ++i) // zone-b: 3 requests, 5 drivers
        send("ride-requests", "zone-b", json{{"rider", "s" + std::to_string(i)}}.dump(),
             minute + 2000 + i * 1000);
      requests_sent = true;
    }
    alerts = examples::read_topic(conn, "zone-alerts");
    return alerts.size() >= 2;
  };
  int code = examples::run_until(*app, demo ? std::function<bool()>(done) : nullptr,
                                 std::chrono::minutes(demo ? 2 : 1'000'000));
  if (demo) {
    for (const auto& a : alerts)
      std::printf("ALERT %s %s\n", a.key.value_or("").c_str(), a.value.value_or("").c_str());
    bool right = code == 0 && alerts.size() == 2;
    for (const auto& a : alerts)
      right = right && a.key == std::optional<std::string>("zone-a");
    std::printf(right ? "ride hailing: OK\n" : "ride hailing: FAILED\n");
    return right ? 0 : 1;
  }
  return code;
}

} // namespace

int main(int argc, char** argv) {
  return examples::example_main(argc, argv, "Tributary Streams ride-hailing demand", "ride-hailing",
                                run);
}
