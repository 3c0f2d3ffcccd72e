// Zero-copy encoding (wire_writer::set_external_records): a response encoded with external
// records, the record bytes spliced in at the recorded positions, must be byte for byte the
// ordinary encoding -- classic (int32 length) and compact (varint length + 1) versions,
// partitions with tagged fields behind the records, null and inline records in between.
#include "tributary/protocol/kafka/fetch.hpp"
#include "tributary/protocol/kafka/produce.hpp"
#include "tributary/protocol/kafka_wire.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace tributary::protocol::kafka;

namespace {

std::vector<char> pattern(size_t size, char seed) {
  std::vector<char> out(size);
  for (size_t i = 0; i < size; ++i)
    out[i] = static_cast<char>(seed + static_cast<char>(i * 7));
  return out;
}

fetch_response::partition_data partition(int32_t index, std::optional<std::vector<char>> records) {
  fetch_response::partition_data pd;
  pd.partition_index = index;
  pd.high_watermark = 1000 + index;
  pd.last_stable_offset = 900 + index;
  pd.log_start_offset = 5;
  pd.records = std::move(records);
  return pd;
}

/// Two topics; sizes chosen so compact lengths need 1, 2 and 3 varint bytes.
fetch_response sample(bool with_tagged_fields) {
  fetch_response r;
  r.throttle_time_ms = 7;
  r.session_id = 0;
  r.responses.resize(2);
  auto& a = r.responses[0];
  a.topic = "orders";
  a.partitions.push_back(partition(0, pattern(61, 'a')));
  a.partitions.push_back(partition(1, std::nullopt));
  a.partitions.push_back(partition(2, pattern(300, 'b')));
  a.partitions.push_back(partition(3, std::vector<char>{}));
  auto& b = r.responses[1];
  b.topic = "payments";
  b.partitions.push_back(partition(0, pattern(20000, 'c')));
  b.partitions.push_back(partition(1, pattern(127, 'd')));
  if (with_tagged_fields) { // written after the records of their partition (tags 0 and 1)
    a.partitions[0].diverging_epoch.epoch = 3;
    a.partitions[0].diverging_epoch.end_offset = 42;
    b.partitions[0].current_leader.leader_id = 2;
    b.partitions[0].current_leader.leader_epoch = 9;
  }
  return r;
}

std::vector<const std::optional<std::vector<char>>*> records_of(const fetch_response& r) {
  std::vector<const std::optional<std::vector<char>>*> out;
  for (const auto& t : r.responses)
    for (const auto& p : t.partitions)
      out.push_back(&p.records);
  return out;
}

/// Encodes `full` with the records of the partitions marked in `external` left out (their
/// values replaced by junk, which must not be written), then splices them back in.
std::vector<char> encode_spliced(const fetch_response& full, int16_t version,
                                 const std::vector<bool>& external) {
  fetch_response hollow = full;
  auto originals = records_of(full);
  std::vector<int64_t> lengths;
  size_t i = 0;
  for (auto& t : hollow.responses)
    for (auto& p : t.partitions) {
      const bool is_external = external[i] && originals[i]->has_value();
      lengths.push_back(is_external ? static_cast<int64_t>((*originals[i])->size()) : -1);
      if (is_external)
        p.records = std::vector<char>{'j', 'u', 'n', 'k'};
      ++i;
    }
  std::vector<char> out;
  wire_writer w(out);
  w.write_int32(12345); // something in front, as the response header will be
  w.set_external_records(lengths);
  hollow.encode(w, version);
  REQUIRE(w.ok());
  size_t count = 0;
  for (auto l : lengths)
    count += l >= 0 ? 1 : 0;
  REQUIRE(w.splices().size() == count);
  auto pieces = split_at_splices(out, w.splices());
  REQUIRE(pieces.size() == w.splices().size() + 1);
  std::vector<char> joined = pieces[0];
  for (size_t s = 0; s < w.splices().size(); ++s) {
    const auto& body = **originals[w.splices()[s].index];
    CHECK(w.splices()[s].length == static_cast<int64_t>(body.size()));
    joined.insert(joined.end(), body.begin(), body.end());
    joined.insert(joined.end(), pieces[s + 1].begin(), pieces[s + 1].end());
  }
  return joined;
}

std::vector<char> encode_plain(const fetch_response& r, int16_t version) {
  std::vector<char> out;
  wire_writer w(out);
  w.write_int32(12345);
  r.encode(w, version);
  REQUIRE(w.ok());
  return out;
}

} // namespace

TEST_CASE("spliced fetch responses equal the ordinary encoding at v4 and v12", "[kafka]") {
  for (int16_t version : {int16_t{4}, int16_t{12}}) {
    INFO("FetchResponse v" << version);
    const auto full = sample(version >= 12);
    const std::vector<bool> all(6, true);
    const std::vector<bool> some{true, true, false, true, true, false};
    CHECK(encode_spliced(full, version, all) == encode_plain(full, version));
    CHECK(encode_spliced(full, version, some) == encode_plain(full, version));
  }
}

TEST_CASE("spliced fetch responses equal the ordinary encoding at every version", "[kafka]") {
  for (int16_t v = fetch_response::min_version; v <= fetch_response::max_version; ++v) {
    INFO("FetchResponse v" << v);
    const auto full = sample(v >= fetch_response::flexible_from);
    CHECK(encode_spliced(full, v, std::vector<bool>(6, true)) == encode_plain(full, v));
  }
}

TEST_CASE("records spliced inside a tagged field count towards its size", "[kafka]") {
  const std::vector<char> body = pattern(200, 'x');
  std::vector<char> plain;
  wire_writer p(plain);
  size_t at = p.begin_tagged_field(5);
  p.write_records("r", body, true, true);
  p.write_int32(77);
  p.end_tagged_field(at);

  std::vector<char> hollow;
  wire_writer h(hollow);
  h.set_external_records({static_cast<int64_t>(body.size())});
  at = h.begin_tagged_field(5);
  h.write_records("r", std::nullopt, true, true);
  h.write_int32(77);
  h.end_tagged_field(at);
  REQUIRE(h.ok());
  REQUIRE(h.splices().size() == 1);
  auto pieces = split_at_splices(hollow, h.splices());
  std::vector<char> joined = pieces[0];
  joined.insert(joined.end(), body.begin(), body.end());
  joined.insert(joined.end(), pieces[1].begin(), pieces[1].end());
  CHECK(joined == plain);
}

TEST_CASE("without external lengths records fields encode as before", "[kafka]") {
  produce_request req;
  auto& t = req.topic_data.emplace_back();
  t.name = "orders";
  auto& pd = t.partition_data.emplace_back();
  pd.index = 1;
  pd.records = pattern(90, 'p');
  for (int16_t v : {int16_t{3}, int16_t{9}}) {
    std::vector<char> out;
    wire_writer w(out);
    w.set_external_records({-1});
    req.encode(w, v);
    REQUIRE(w.ok());
    CHECK(w.splices().empty());
    produce_request back;
    wire_reader r(out.data(), out.size());
    back.decode(r, v);
    REQUIRE(r.ok());
    CHECK(back == req);
  }
}
