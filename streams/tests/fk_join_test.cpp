// Foreign-key table joins: orders (order id -> "customer|item") joined with customers
// (customer id -> name) by the customer an order names. The two tables have different
// partition counts on purpose: a foreign-key join does not need co-partitioning.
#include "support.hpp"

using namespace trib_test;

namespace {

str customer_of(const str& order) {
  return order.substr(0, order.find('|'));
}

str item_of(const str& order) {
  return order.substr(order.find('|') + 1);
}

/// inner: the result table; left: the same through left_join ("?" for a missing customer).
ts::topology orders_with_customers(bool left) {
  ts::stream_builder b;
  auto orders = b.table<str, str>("orders", {}, ts::materialized<str, str>::as("orders-store"));
  auto customers =
      b.table<str, str>("customers", {}, ts::materialized<str, str>::as("customers-store"));
  if (left)
    orders
        .left_join(
            customers, customer_of,
            [](const str& order, const std::optional<str>& name) {
              return item_of(order) + " for " + name.value_or("?");
            },
            "enriched")
        .to_stream()
        .to("out");
  else
    orders
        .join(
            customers, customer_of,
            [](const str& order, const str& name) { return item_of(order) + " for " + name; },
            "enriched")
        .to_stream()
        .to("out");
  return build(b);
}

/// The output topic's records, in order per key, as (key, value or "<deleted>").
std::map<str, std::vector<str>> updates(ts::topology_test_driver& d) {
  std::map<str, std::vector<str>> out;
  for (const auto& r : d.read_raw("out"))
    out[r.key.value_or("<null>")].push_back(r.value.value_or("<deleted>"));
  return out;
}

ts::driver_options three_partitions() {
  ts::driver_options opts;
  opts.partitions = 3;
  return opts;
}

void create_topics(ts::topology_test_driver& d) {
  REQUIRE(d.create_topic("orders", 3));
  REQUIRE(d.create_topic("customers", 2));
  REQUIRE(d.create_topic("out"));
}

} // namespace

TEST_CASE("a foreign-key join follows both tables", "[streams][joins][fk]") {
  ts::topology_test_driver d(orders_with_customers(false), three_partitions());
  create_topics(d);
  // An order whose customer is unknown yet gives no row (inner join).
  REQUIRE(d.pipe<str, str>("orders", "o1", "c1|book", 1000));
  process(d);
  CHECK(updates(d).empty());
  // The customer arrives: the waiting order is joined.
  REQUIRE(d.pipe<str, str>("customers", "c1", "Ada", 1100));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"book for Ada"}}});
  // A new order for a known customer, and the customer's name changes: every order of that
  // customer is updated.
  REQUIRE(d.pipe<str, str>("orders", "o2", "c1|pen", 1200));
  process(d);
  REQUIRE(d.pipe<str, str>("customers", "c1", "Ada L.", 1300));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"book for Ada L."}},
                                                      {"o2", {"pen for Ada", "pen for Ada L."}}});
  // An order moves to another customer: it follows the new one only.
  REQUIRE(d.pipe<str, str>("customers", "c2", "Grace", 1400));
  process(d); // else the subscription may reach the other side first: "no customer" for now
  REQUIRE(d.pipe<str, str>("orders", "o1", "c2|book", 1500));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"book for Grace"}}});
  REQUIRE(d.pipe<str, str>("customers", "c1", "Ada Lovelace", 1600));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o2", {"pen for Ada Lovelace"}}});
  // The customer goes: its orders leave the inner join. An order deleted leaves it too.
  REQUIRE(d.pipe_raw(raw("customers", "c1", std::nullopt, 1700)));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o2", {"<deleted>"}}});
  REQUIRE(d.pipe_raw(raw("orders", "o1", std::nullopt, 1800)));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"<deleted>"}}});
  // The result is a materialized table named like the join.
  CHECK(d.store<str, str>("enriched").empty());
  REQUIRE(d.pipe<str, str>("orders", "o3", "c2|ink", 1900));
  process(d);
  CHECK(d.store<str, str>("enriched") == std::map<str, str>{{"o3", "ink for Grace"}});
}

TEST_CASE("a foreign-key left join keeps rows without a foreign row", "[streams][joins][fk]") {
  ts::topology_test_driver d(orders_with_customers(true), three_partitions());
  create_topics(d);
  REQUIRE(d.pipe<str, str>("orders", "o1", "c9|cup", 1000));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"cup for ?"}}});
  REQUIRE(d.pipe<str, str>("customers", "c9", "Linus", 1100));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"cup for Linus"}}});
  REQUIRE(d.pipe_raw(raw("customers", "c9", std::nullopt, 1200)));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"cup for ?"}}});
  REQUIRE(d.pipe_raw(raw("orders", "o1", std::nullopt, 1300)));
  process(d);
  CHECK(updates(d) == std::map<str, std::vector<str>>{{"o1", {"<deleted>"}}});
}

TEST_CASE("a foreign-key join names its stores and topics after the join",
          "[streams][joins][fk][topology]") {
  auto t = orders_with_customers(false);
  auto text = t.describe();
  for (auto part : {"enriched-subscription-registration", "enriched-subscription-response",
                    "enriched-subscriptions", "enriched-subscribe", "enriched-foreign-changes"})
    CHECK(text.find(part) != std::string::npos);
  // orders -> subscribe; customers + registrations; responses back with the orders' table.
  CHECK(t.subtopologies().size() == 2);
}
