#include "rdkafka_load.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>

namespace tributary::bench {
namespace {

using settings = std::map<std::string, std::string>;

[[noreturn]] void die(const kafka_target& t, const std::string& what) {
  std::fprintf(stderr, "kafka_bench: broker %s: %s\n", t.bootstrap.c_str(), what.c_str());
  std::exit(1);
}

/// A librdkafka client; rd_kafka_destroy on scope exit (it flushes nothing: callers flush).
struct client {
  rd_kafka_t* rk = nullptr;
  ~client() {
    if (rk)
      rd_kafka_destroy(rk);
  }
};

/// Settings every client gets: loopback, so Nagle only delays small requests.
void make_client(client& c, const kafka_target& t, rd_kafka_type_t type, const settings& extra,
                 void* opaque = nullptr,
                 void (*dr)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  settings all = {{"bootstrap.servers", t.bootstrap}, {"socket.nagle.disable", "true"}};
  for (const auto& [k, v] : extra)
    all[k] = v;
  for (const auto& [k, v] : all)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      die(t, "librdkafka setting " + k + "=" + v + ": " + err);
  if (opaque)
    rd_kafka_conf_set_opaque(conf, opaque);
  if (dr)
    rd_kafka_conf_set_dr_msg_cb(conf, dr);
  c.rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!c.rk)
    die(t, std::string("rd_kafka_new: ") + err);
}

/// Waits until the client knows the leader of every partition of `topic`, so no phase
/// times the metadata round trips of its start.
void await_metadata(const kafka_target& t, rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  auto err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
  bool ok = err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == 0;
  if (md)
    rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  if (!ok)
    die(t, "no metadata for topic '" + topic + "': " + rd_kafka_err2str(err));
}

/// Delivery-report bookkeeping of a producer; the callback runs inside rd_kafka_poll/flush on
/// the producing thread.
struct deliveries {
  std::atomic<int64_t> failed{0}; // read by the latency run's consumer thread
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  static void on_report(rd_kafka_t*, const rd_kafka_message_t* m, void* self) {
    auto* d = static_cast<deliveries*>(self);
    if (m->err) {
      if (d->failed.fetch_add(1) == 0)
        d->first_error = m->err;
    }
  }
};

settings producer_settings(const std::string& acks, int linger_ms) {
  return {{"acks", acks},
          {"linger.ms", std::to_string(linger_ms)},
          {"queue.buffering.max.messages", "2000000"},
          {"queue.buffering.max.kbytes", "1048576"},
          {"batch.num.messages", "100000"},
          {"batch.size", "1000000"},
          {"compression.type", "none"}};
}

/// Hands one record to librdkafka, serving delivery reports while its queue is full.
void produce_one(rd_kafka_t* rk, rd_kafka_topic_t* rkt, char* payload, size_t size) {
  while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload, size, nullptr,
                          0, nullptr) != 0) {
    if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      std::fprintf(stderr, "kafka_bench: produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
      std::exit(1);
    }
    rd_kafka_poll(rk, 1);
  }
}

/// 1 MiB per partition per fetch (librdkafka's default): 4 and 8 MiB measured slower here,
/// the client's page faults on the bigger receive buffers outweigh the fewer round trips.
settings consumer_settings() {
  return {{"group.id", "kafka-bench"},           {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"}, {"enable.partition.eof", "false"},
          {"fetch.max.bytes", "52428800"},       {"max.partition.fetch.bytes", "1048576"},
          {"queued.min.messages", "1000000"},    {"queued.max.messages.kbytes", "1048576"}};
}

/// Assigns every partition of `topic` from its beginning; returns the consumer's queue.
rd_kafka_queue_t* assign_all(const kafka_target& t, rd_kafka_t* rk, const std::string& topic,
                             int partitions) {
  rd_kafka_poll_set_consumer(rk);
  // Assigning before the client knows the partition's leader parks the offset lookup on
  // a 500 ms retry timer; with metadata first the first fetch goes out at once.
  await_metadata(t, rk, topic);
  auto* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  auto err = rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err)
    die(t, "assign '" + topic + "': " + rd_kafka_err2str(err));
  return rd_kafka_queue_get_consumer(rk);
}

} // namespace

void kafka_create_topic(const kafka_target& t, const std::string& topic, int partitions) {
  client c;
  make_client(c, t, RD_KAFKA_PRODUCER, {});
  char err[512];
  auto* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (!nt)
    die(t, "NewTopic '" + topic + "': " + err);
  auto* q = rd_kafka_queue_new(c.rk);
  rd_kafka_CreateTopics(c.rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  std::string failure;
  if (!ev)
    failure = "no CreateTopics answer within 30 s";
  else if (rd_kafka_event_error(ev))
    failure = rd_kafka_event_error_string(ev);
  else if (auto* res = rd_kafka_event_CreateTopics_result(ev)) {
    size_t n = 0;
    auto** topics = rd_kafka_CreateTopics_result_topics(res, &n);
    if (n != 1 || rd_kafka_topic_result_error(topics[0]))
      failure = n == 1 ? rd_kafka_topic_result_error_string(topics[0]) : "no topic result";
  }
  if (ev)
    rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  if (!failure.empty())
    die(t, "create topic '" + topic + "': " + failure);
}

throughput kafka_produce(const kafka_target& t, const std::string& topic,
                         const produce_settings& s) {
  deliveries d;
  client c;
  make_client(c, t, RD_KAFKA_PRODUCER, producer_settings(s.acks, s.linger_ms), &d,
              &deliveries::on_report);
  await_metadata(t, c.rk, topic);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(c.rk, topic.c_str(), nullptr);
  std::string payload(s.size, 'v');
  phase_meter meter(t.server);
  for (int64_t i = 0; i < s.records; ++i) {
    produce_one(c.rk, rkt, payload.data(), payload.size());
    if ((i & 1023) == 0)
      rd_kafka_poll(c.rk, 0);
  }
  auto err = rd_kafka_flush(c.rk, 120000);
  int64_t failed = d.failed.load();
  auto delivered = s.records - failed;
  auto figures = meter.finish(delivered, static_cast<uint64_t>(delivered) * s.size, failed);
  rd_kafka_topic_destroy(rkt);
  if (err)
    die(t, std::string("flush of '") + topic + "': " + rd_kafka_err2str(err));
  if (failed)
    std::fprintf(stderr, "kafka_bench: %lld deliveries to '%s' failed, first: %s\n",
                 static_cast<long long>(failed), topic.c_str(), rd_kafka_err2str(d.first_error));
  return figures;
}

throughput kafka_consume(const kafka_target& t, const std::string& topic, int partitions,
                         int64_t records) {
  client c;
  make_client(c, t, RD_KAFKA_CONSUMER, consumer_settings());
  phase_meter meter(t.server);
  rd_kafka_queue_t* q = assign_all(t, c.rk, topic, partitions);
  std::vector<rd_kafka_message_t*> batch(10000);
  int64_t seen = 0, errors = 0;
  uint64_t bytes = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (seen < records && std::chrono::steady_clock::now() < deadline) {
    // The call returns once it has the count asked for or at the timeout: never ask for
    // more than remain, or the last call idles through its timeout.
    auto want = std::min<int64_t>(static_cast<int64_t>(batch.size()), records - seen);
    auto n = rd_kafka_consume_batch_queue(q, 1000, batch.data(), static_cast<size_t>(want));
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++seen;
        bytes += batch[i]->len;
      } else if (errors++ == 0) {
        std::fprintf(stderr, "kafka_bench: consume '%s': %s\n", topic.c_str(),
                     rd_kafka_message_errstr(batch[i]));
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  auto figures = meter.finish(seen, bytes, errors);
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(c.rk);
  return figures;
}

latency_figures kafka_end_to_end(const kafka_target& t, const std::string& topic, int partitions,
                                 const pacing& p, size_t size, int linger_ms) {
  client consumer;
  make_client(consumer, t, RD_KAFKA_CONSUMER, consumer_settings());
  rd_kafka_queue_t* q = assign_all(t, consumer.rk, topic, partitions);
  deliveries d;
  client producer;
  make_client(producer, t, RD_KAFKA_PRODUCER, producer_settings("1", linger_ms), &d,
              &deliveries::on_report);
  await_metadata(t, producer.rk, topic);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer.rk, topic.c_str(), nullptr);

  paced_run run;
  auto capacity = static_cast<size_t>(
      std::min<double>(static_cast<double>(p.max_records), p.rate * p.seconds + 1));
  latency_samples samples(capacity);
  std::thread reader([&] {
    std::vector<rd_kafka_message_t*> batch(10000);
    int64_t seen = 0;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration<double>(p.warmup_s + p.seconds + 30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto total = run.sent_total.load();
      if (total >= 0 && seen >= total - d.failed.load())
        break;
      // A batch call would hold early records until the batch is full: block for one
      // record only, then take whatever else is already queued.
      ssize_t n = 0;
      if ((batch[0] = rd_kafka_consumer_poll(consumer.rk, 100)) != nullptr)
        n = 1 + std::max<ssize_t>(
                    0, rd_kafka_consume_batch_queue(q, 0, batch.data() + 1, batch.size() - 1));
      auto now = now_ns();
      auto from = run.measure_from_ns.load();
      for (ssize_t i = 0; i < n; ++i) {
        if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          ++seen;
          auto sent = read_stamp(batch[i]->payload, batch[i]->len);
          if (sent >= from)
            samples.add(now - sent);
        }
        rd_kafka_message_destroy(batch[i]);
      }
      run.received.store(seen);
    }
  });

  std::string payload(std::max<size_t>(size, 8), 'v');
  std::fill_n(payload.begin(), 8, '\0'); // stamp 0: never sampled
  bool primed = prime(run, [&] {
    produce_one(producer.rk, rkt, payload.data(), payload.size());
    rd_kafka_flush(producer.rk, 10000);
  });
  phase_meter meter(t.server);
  if (primed)
    paced_send(p, run, [&](int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        stamp_payload(payload.data());
        produce_one(producer.rk, rkt, payload.data(), payload.size());
      }
      rd_kafka_poll(producer.rk, 0);
    });
  else
    run.sent_total.store(run.primed); // lets the reader give up
  rd_kafka_flush(producer.rk, 60000);
  reader.join();
  if (!primed)
    die(t, "the latency consumer did not receive a first record of '" + topic + "' in 30 s");
  auto cpu = meter.finish(run.sent_total.load(), 0, d.failed.load());
  rd_kafka_topic_destroy(rkt);
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(consumer.rk);

  return summarize(p, run, samples, cpu);
}

} // namespace tributary::bench
