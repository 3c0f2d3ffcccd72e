// Fetch and ListOffsets. The broker long-polls the partitions (min_bytes / max_wait_ms) and
// answers per partition in request order; here they are regrouped by topic. Fetch sessions
// (KIP-227) are declined by answering session id 0, which every client handles with full
// fetches -- the clients we serve do not rely on incremental sessions.
// Zero copy: the partitions answer with file ranges of their segments, not bytes; the
// response is encoded without the record batches and the I/O thread sends them from the
// files with sendfile, between the encoded pieces.
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/fetch.hpp"
#include "tributary/protocol/kafka/list_offsets.hpp"

#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;
using protocol::kafka_error;

namespace {

/// One partition's records as response chunks: bytes it carried (none when it answered with
/// ranges alone), then its file ranges. `files` shares one file_handle per segment file.
std::vector<chunk>
records_chunks(ta::fetch_partition_data& in,
               std::vector<std::pair<const void*, std::shared_ptr<file_handle>>>& files) {
  std::vector<chunk> out;
  if (!in.records.empty())
    out.emplace_back(std::move(in.records));
  for (auto& r : in.file_ranges) {
    const void* key = r.file.get();
    auto it =
        std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.first == key; });
    if (it == files.end()) {
      files.emplace_back(key, std::make_shared<file_handle>(r.file->fd(), r.file));
      it = std::prev(files.end());
    }
    out.emplace_back(
        file_range{it->second, static_cast<int64_t>(r.position), static_cast<int64_t>(r.length)});
  }
  return out;
}

/// Fills the skeleton from the broker's answer (request order); records with file ranges
/// become external records.
external_records fill_fetch_response(pk::fetch_response& skeleton, ta::fetch_response& resp) {
  external_records ext;
  std::vector<std::pair<const void*, std::shared_ptr<file_handle>>> files;
  size_t i = 0;
  for (auto& tr : skeleton.responses)
    for (auto& pd : tr.partitions) {
      ext.lengths.push_back(-1);
      ext.pieces.emplace_back();
      if (i >= resp.partitions.size()) {
        pd.error_code = static_cast<int16_t>(kafka_error::unknown_server_error);
        continue;
      }
      auto& in = resp.partitions[i++];
      pd.error_code = in.error;
      pd.high_watermark = in.high_watermark;
      pd.last_stable_offset = in.last_stable_offset;
      pd.log_start_offset = in.log_start_offset;
      if (in.file_ranges.empty()) {
        pd.records = std::move(in.records);
        continue;
      }
      ext.lengths.back() = static_cast<int64_t>(in.size_bytes());
      ext.pieces.back() = records_chunks(in, files);
    }
  if (resp.error != 0)
    skeleton.error_code = resp.error;
  return ext;
}

} // namespace

void handle_fetch(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::fetch_request req;
  if (!decode_request(self, rc, r, req))
    return;
  pk::fetch_response skeleton;
  for (const auto& t : req.topics) {
    pk::fetch_response::fetchable_topic_response tr;
    tr.topic = t.topic;
    for (const auto& p : t.partitions) {
      pk::fetch_response::partition_data pd;
      pd.partition_index = p.partition;
      pd.high_watermark = -1;
      pd.records = std::vector<char>{};
      tr.partitions.push_back(std::move(pd));
    }
    skeleton.responses.push_back(std::move(tr));
  }
  if (req.session_id != 0) { // we never hand out session ids, so this one is not ours
    skeleton.error_code = static_cast<int16_t>(kafka_error::fetch_session_id_not_found);
    skeleton.responses.clear();
    return respond(self, rc, skeleton);
  }
  ta::fetch_request ask;
  ask.replica_id = req.replica_id;
  ask.max_wait_ms = req.max_wait_ms;
  ask.min_bytes = req.min_bytes;
  ask.max_bytes = rc.version() >= 3 ? req.max_bytes : ask.max_bytes;
  ask.isolation_level = req.isolation_level;
  ask.wants_file_ranges = true;
  for (const auto& t : req.topics)
    for (const auto& p : t.partitions) {
      ta::fetch_partition fp;
      fp.topic = t.topic;
      fp.partition = p.partition;
      fp.fetch_offset = p.fetch_offset;
      fp.max_bytes = p.partition_max_bytes;
      fp.current_leader_epoch = p.current_leader_epoch;
      ask.partitions.push_back(std::move(fp));
    }
  if (ask.partitions.empty())
    return respond(self, rc, skeleton);
  ask_broker<ta::fetch_response>(
      self, req.max_wait_ms, std::move(ask),
      [self, rc, skeleton](ta::fetch_response& resp) mutable {
        auto ext = fill_fetch_response(skeleton, resp);
        respond_spliced(self, rc, skeleton, std::move(ext));
      },
      [self, rc, skeleton](int16_t code, const std::string&) mutable {
        for (auto& tr : skeleton.responses)
          for (auto& pd : tr.partitions)
            pd.error_code = code;
        respond(self, rc, skeleton);
      });
}

void handle_list_offsets(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::list_offsets_request req;
  if (!decode_request(self, rc, r, req))
    return;
  pk::list_offsets_response skeleton;
  ta::list_offsets_request ask;
  ask.isolation_level = req.isolation_level;
  for (const auto& t : req.topics) {
    pk::list_offsets_response::list_offsets_topic_response tr;
    tr.name = t.name;
    for (const auto& p : t.partitions) {
      pk::list_offsets_response::list_offsets_partition_response pr;
      pr.partition_index = p.partition_index;
      tr.partitions.push_back(pr);
      ask.partitions.push_back(ta::list_offsets_partition{t.name, p.partition_index, p.timestamp});
    }
    skeleton.topics.push_back(std::move(tr));
  }
  if (ask.partitions.empty())
    return respond(self, rc, skeleton);
  const bool old_style = rc.version() == 0; // v0 answers a list of offsets
  ask_broker<ta::list_offsets_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, skeleton, old_style](ta::list_offsets_response& resp) mutable {
        size_t i = 0;
        for (auto& tr : skeleton.topics)
          for (auto& pr : tr.partitions) {
            if (i >= resp.partitions.size()) {
              pr.error_code = static_cast<int16_t>(kafka_error::unknown_server_error);
              continue;
            }
            const auto& in = resp.partitions[i++];
            pr.error_code = in.error;
            pr.timestamp = in.timestamp;
            pr.offset = in.offset;
            pr.leader_epoch = in.leader_epoch;
            if (old_style && in.error == 0 && in.offset >= 0)
              pr.old_style_offsets.push_back(in.offset);
          }
        respond(self, rc, skeleton);
      },
      [self, rc, skeleton](int16_t code, const std::string&) mutable {
        for (auto& tr : skeleton.topics)
          for (auto& pr : tr.partitions)
            pr.error_code = code;
        respond(self, rc, skeleton);
      });
}

} // namespace tributary::kafka
