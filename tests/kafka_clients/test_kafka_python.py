"""kafka-python 2.0.2 (Debian's python3-kafka) against a tributary node.

Covers: admin create/list/describe/delete topics and list/describe/delete groups, keyed records
with headers under every codec kafka-python has (none, gzip, snappy, lz4, zstd) read back
exactly, a two-member group with the range and round-robin assignors that splits and
rebalances, commit + node restart + resume, seek and offsets_for_times, a 1 MiB record, and
MESSAGE_TOO_LARGE. kafka-python 2.0.2 has no idempotent producer and no cooperative
assignor, so those are covered by the librdkafka-based tests.

Run with /usr/bin/python3 -m unittest -v test_kafka_python (TRIB_TRIBUTARY_BIN set).
"""

import threading
import time
import unittest

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, OffsetAndMetadata, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.errors import MessageSizeTooLargeError, NoError, TopicAlreadyExistsError

from harness import NodeTestCase, unique, wait_until

CODECS = [None, "gzip", "snappy", "lz4", "zstd"]
REQUEST_TIMEOUT_MS = 30000


class KafkaPythonTest(NodeTestCase):

    def setUp(self):
        self.clients = []
        self.admin = self.track(KafkaAdminClient(
            bootstrap_servers=self.node.bootstrap, client_id="kp-admin",
            request_timeout_ms=REQUEST_TIMEOUT_MS))

    def tearDown(self):
        for client in reversed(self.clients):
            try:
                client.close()
            except Exception:  # a client of a stopped node may fail to close; not the test
                pass

    def track(self, client):
        self.clients.append(client)
        return client

    def producer(self, **config):
        config.setdefault("acks", "all")
        config.setdefault("request_timeout_ms", REQUEST_TIMEOUT_MS)
        return self.track(KafkaProducer(bootstrap_servers=self.node.bootstrap, **config))

    def consumer(self, *topics, **config):
        config.setdefault("auto_offset_reset", "earliest")
        config.setdefault("enable_auto_commit", False)
        config.setdefault("request_timeout_ms", 40000)
        return self.track(KafkaConsumer(*topics, bootstrap_servers=self.node.bootstrap, **config))

    def create_topic(self, name, partitions, configs=None):
        self.admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs or {})],
                                 timeout_ms=REQUEST_TIMEOUT_MS)
        wait_until(lambda: name in self.admin.list_topics(), 30, what="topic %s listed" % name)

    def read_partitions(self, consumer, topic, partitions, count, bound=60.0):
        """Assigns `partitions` from the beginning and polls until `count` records arrived;
        returns {partition: [records in offset order]}."""
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        got = {p: [] for p in partitions}
        deadline = time.monotonic() + bound
        while sum(len(v) for v in got.values()) < count and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=500).items():
                got[tp.partition].extend(records)
        self.assertEqual(count, sum(len(v) for v in got.values()),
                         "records read back from %s within %.0f s" % (topic, bound))
        return got

    # --- admin -----------------------------------------------------------------------------

    def test_admin_topics_create_describe_configs_delete(self):
        topic = unique("kp-admin")
        self.create_topic(topic, 3, {"retention.ms": "3600000", "cleanup.policy": "delete"})
        described = self.admin.describe_topics([topic])
        self.assertEqual(1, len(described))
        self.assertEqual(0, described[0]["error_code"])
        self.assertEqual([0, 1, 2], sorted(p["partition"] for p in described[0]["partitions"]))
        for p in described[0]["partitions"]:
            self.assertEqual(0, p["leader"], "node 0 leads every partition")
            self.assertEqual([0], p["replicas"])
            self.assertEqual([0], p["isr"])

        configs = self.admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = {e[0]: e[1] for e in configs[0].resources[0][4]}
        self.assertEqual("3600000", entries.get("retention.ms"), entries)
        self.assertEqual("delete", entries.get("cleanup.policy"), entries)

        response = self.admin.delete_topics([topic], timeout_ms=REQUEST_TIMEOUT_MS)
        self.assertEqual([(topic, 0)], [tuple(e[:2]) for e in response.topic_error_codes])
        wait_until(lambda: topic not in self.admin.list_topics(), 30,
                   what="deleted topic %s gone from list_topics" % topic)

    def test_create_existing_topic_fails(self):
        topic = unique("kp-exists")
        self.create_topic(topic, 1)
        with self.assertRaises(TopicAlreadyExistsError):
            self.admin.create_topics([NewTopic(topic, 1, 1)], timeout_ms=REQUEST_TIMEOUT_MS)

    # --- produce / consume -----------------------------------------------------------------

    def test_every_codec_round_trip_with_keys_and_headers(self):
        for codec in CODECS:
            with self.subTest(codec=codec or "none"):
                self.round_trip(codec)

    def round_trip(self, codec):
        topic = unique("kp-codec-%s" % (codec or "none"))
        self.create_topic(topic, 2)
        producer = self.producer(compression_type=codec, linger_ms=20, batch_size=65536)
        sent = []
        futures = []
        for i in range(40):
            key = None if i == 7 else ("key-%d" % i).encode()
            value = None if i == 9 else (("value-%d-" % i) * (1 + i % 5)).encode()
            headers = [("index", str(i).encode()), ("codec", (codec or "none").encode())]
            if i % 4 == 0:
                headers.append(("index", b"repeated"))
            if i == 11:
                headers = []
            partition = i % 2
            sent.append((partition, key, value, headers))
            futures.append(producer.send(topic, value=value, key=key, headers=headers,
                                         partition=partition))
        producer.flush(timeout=30)
        next_offset = {0: 0, 1: 0}
        for (partition, _, _, _), future in zip(sent, futures):
            meta = future.get(timeout=30)
            self.assertEqual((topic, partition, next_offset[partition]),
                             (meta.topic, meta.partition, meta.offset))
            next_offset[partition] += 1

        got = self.read_partitions(self.consumer(), topic, [0, 1], len(sent))
        for partition in (0, 1):
            expected = [s for s in sent if s[0] == partition]
            records = got[partition]
            self.assertEqual(list(range(len(expected))), [r.offset for r in records])
            for (_, key, value, headers), r in zip(expected, records):
                self.assertEqual(key, r.key)
                self.assertEqual(value, r.value)
                self.assertEqual(headers, list(r.headers))

    def test_one_mib_record(self):
        topic = unique("kp-big")
        self.create_topic(topic, 1, {"max.message.bytes": str(2 * 1024 * 1024)})
        value = bytes(range(256)) * 4096  # 1 MiB, not compressible to nothing
        producer = self.producer(max_request_size=3 * 1024 * 1024)
        meta = producer.send(topic, value=value, key=b"big").get(timeout=60)
        self.assertEqual(0, meta.offset)
        producer.send(topic, value=b"after", key=b"small").get(timeout=30)
        got = self.read_partitions(self.consumer(), topic, [0], 2)[0]
        self.assertEqual((b"big", value), (got[0].key, got[0].value))
        self.assertEqual((b"small", b"after"), (got[1].key, got[1].value))

    def test_record_over_max_message_bytes_is_refused(self):
        topic = unique("kp-limit")
        self.create_topic(topic, 1, {"max.message.bytes": "1024"})
        producer = self.producer(retries=0)
        with self.assertRaises(MessageSizeTooLargeError):
            producer.send(topic, value=b"x" * 4096).get(timeout=30)
        self.assertNodeAlive()
        meta = producer.send(topic, value=b"small enough").get(timeout=30)
        self.assertEqual(0, meta.offset, "the refused record took no offset")
        got = self.read_partitions(self.consumer(), topic, [0], 1)[0]
        self.assertEqual(b"small enough", got[0].value)

    def test_seek_and_offsets_for_times(self):
        topic = unique("kp-times")
        self.create_topic(topic, 1)
        base = int(time.time() * 1000) - 3600 * 1000
        producer = self.producer()
        for i in range(10):
            producer.send(topic, value=b"v%d" % i, partition=0, timestamp_ms=base + 1000 * i)
        producer.flush(timeout=30)

        consumer = self.consumer()
        tp = TopicPartition(topic, 0)
        self.assertEqual({tp: 0}, consumer.beginning_offsets([tp]))
        self.assertEqual({tp: 10}, consumer.end_offsets([tp]))
        found = consumer.offsets_for_times({tp: base + 4500})
        self.assertEqual((5, base + 5000), (found[tp].offset, found[tp].timestamp))
        found = consumer.offsets_for_times({tp: base})
        self.assertEqual((0, base), (found[tp].offset, found[tp].timestamp))
        self.assertIsNone(consumer.offsets_for_times({tp: base + 60000})[tp],
                          "no record at or after a time past the last record")

        consumer.assign([tp])
        consumer.seek(tp, 7)
        records = []
        deadline = time.monotonic() + 30
        while len(records) < 3 and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        self.assertEqual([(7, b"v7", base + 7000), (8, b"v8", base + 8000),
                          (9, b"v9", base + 9000)],
                         [(r.offset, r.value, r.timestamp) for r in records])

    # --- groups ----------------------------------------------------------------------------

    def test_group_split_and_rebalance_range(self):
        self.group_split_and_rebalance(RangePartitionAssignor)

    def test_group_split_and_rebalance_roundrobin(self):
        self.group_split_and_rebalance(RoundRobinPartitionAssignor)

    def group_split_and_rebalance(self, assignor):
        topic = unique("kp-group")
        group = unique("kp-g")
        self.create_topic(topic, 4)
        everything = {TopicPartition(topic, p) for p in range(4)}
        a = GroupMember(self, topic, group, assignor, "a")
        b = GroupMember(self, topic, group, assignor, "b")
        try:
            a.start()
            wait_until(lambda: a.assignment() == everything, 60, what="a owns all 4 partitions")
            b.start()

            def split():
                sa, sb = a.assignment(), b.assignment()
                return len(sa) == 2 and len(sb) == 2 and sa | sb == everything

            wait_until(split, 60, what="a and b own 2 partitions each")

            groups = dict(self.admin.list_consumer_groups())
            self.assertEqual("consumer", groups.get(group), groups)
            described = self.admin.describe_consumer_groups([group])[0]
            self.assertEqual((0, group, "Stable", "consumer", assignor.name),
                             (described.error_code, described.group, described.state,
                              described.protocol_type, described.protocol))
            self.assertEqual({"kp-a", "kp-b"}, {m.client_id for m in described.members})

            b.finish()  # close() sends LeaveGroup
            self.assertIsNone(b.error, b.error)
            wait_until(lambda: a.assignment() == everything, 60,
                       what="a owns all 4 partitions again after b left")
        finally:
            b.finish()
            a.finish()
        self.assertIsNone(a.error, a.error)
        # Empty now: DeleteGroups removes it.
        self.assertEqual([(group, NoError)], self.admin.delete_consumer_groups([group]))
        self.assertNotIn(group, dict(self.admin.list_consumer_groups()))

    def test_commit_restart_node_resume(self):
        topic = unique("kp-commit")
        group = unique("kp-cg")
        self.create_topic(topic, 1)
        producer = self.producer()
        for i in range(10):
            producer.send(topic, value=b"m%d" % i, partition=0)
        producer.flush(timeout=30)
        producer.close()
        self.clients.remove(producer)

        tp = TopicPartition(topic, 0)
        consumer = self.consumer(group_id=group)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        first = []
        deadline = time.monotonic() + 30
        while len(first) < 4 and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500, max_records=4 - len(first)).values():
                first.extend(batch)
        self.assertEqual([0, 1, 2, 3], [r.offset for r in first])
        consumer.commit({tp: OffsetAndMetadata(4, "after m3")})
        self.assertEqual(4, consumer.committed(tp))
        consumer.close()
        self.clients.remove(consumer)
        self.admin.close()
        self.clients.remove(self.admin)

        self.assertEqual(0, self.node.restart(), "clean stop exit code")

        admin = self.track(KafkaAdminClient(bootstrap_servers=self.node.bootstrap,
                                            request_timeout_ms=REQUEST_TIMEOUT_MS))
        offsets = admin.list_consumer_group_offsets(group)
        self.assertEqual(4, offsets[tp].offset)
        self.assertEqual("after m3", offsets[tp].metadata)

        consumer = self.consumer(topic, group_id=group)
        rest = []
        deadline = time.monotonic() + 60
        while len(rest) < 6 and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                rest.extend(batch)
        self.assertEqual([(i, b"m%d" % i) for i in range(4, 10)],
                         [(r.offset, r.value) for r in rest])


class GroupMember:
    """A subscribed KafkaConsumer polled by a thread of its own (kafka-python rejoins a group
    only inside poll(), so two members polled by one thread would wait on each other).
    `assignment()` is the set seen after the member's last poll. Bounded by `bound` s."""

    def __init__(self, test, topic, group, assignor, name, bound=150.0):
        self.consumer = KafkaConsumer(
            topic, bootstrap_servers=test.node.bootstrap, group_id=group, client_id="kp-" + name,
            partition_assignment_strategy=[assignor], enable_auto_commit=False,
            auto_offset_reset="earliest", session_timeout_ms=10000, heartbeat_interval_ms=300,
            max_poll_interval_ms=30000, request_timeout_ms=40000)
        self.bound = bound
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.current = frozenset()
        self.error = None
        self.thread = threading.Thread(target=self.run, name="member-" + name, daemon=True)

    def start(self):
        self.thread.start()

    def run(self):
        deadline = time.monotonic() + self.bound
        try:
            while not self.stop.is_set() and time.monotonic() < deadline:
                self.consumer.poll(timeout_ms=100)
                with self.lock:
                    self.current = frozenset(self.consumer.assignment())
        except Exception as e:  # reported by the test through .error
            self.error = repr(e)
        finally:
            self.consumer.close()

    def assignment(self):
        with self.lock:
            return set(self.current)

    def finish(self):
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=60)
        elif self.thread.ident is None:
            self.consumer.close()


if __name__ == "__main__":
    unittest.main()
