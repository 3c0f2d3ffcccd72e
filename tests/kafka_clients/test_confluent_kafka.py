"""confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (Debian's python3-confluent-kafka)
against a tributary node.

Covers: admin create/describe/alter/partition/delete topics and list/describe groups, keyed
records with headers under every codec (none, gzip, snappy, lz4, zstd) read back exactly,
two-member groups with range, roundrobin and cooperative-sticky that split and rebalance,
commit + node restart + resume (with a producer that lives across the restart), seek,
watermarks and offsets_for_times, the idempotent producer, a 1 MiB record and
MESSAGE_TOO_LARGE.

Run with /usr/bin/python3 -m unittest -v test_confluent_kafka (TRIB_TRIBUTARY_BIN set).
"""

import time
import unittest

from confluent_kafka import (OFFSET_BEGINNING, TIMESTAMP_CREATE_TIME, Consumer, KafkaError,
                             KafkaException, Producer, TopicPartition)
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

from harness import NodeTestCase, unique, wait_until

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
TIMEOUT = 30.0


class Deliveries:
    """Collects delivery reports: (err, topic, partition, offset, value) per message."""

    def __init__(self):
        self.reports = []

    def __call__(self, err, msg):
        self.reports.append((err, msg.topic(), msg.partition(), msg.offset(), msg.value()))

    def errors(self):
        return [r for r in self.reports if r[0] is not None]


class ConfluentKafkaTest(NodeTestCase):

    def setUp(self):
        self.consumers = []
        self.admin = AdminClient({"bootstrap.servers": self.node.bootstrap})

    def tearDown(self):
        for c in self.consumers:
            try:
                c.close()
            except RuntimeError:  # already closed
                pass
        self.admin = None  # destroyed now, not when the node is gone

    def conf(self, **extra):
        conf = {"bootstrap.servers": self.node.bootstrap}
        conf.update({k.replace("_", "."): v for k, v in extra.items()})
        return conf

    def producer(self, **extra):
        extra.setdefault("acks", "all")
        extra.setdefault("message_timeout_ms", 60000)
        return Producer(self.conf(**extra))

    def consumer(self, **extra):
        extra.setdefault("group_id", unique("ck-reader"))
        extra.setdefault("auto_offset_reset", "earliest")
        extra.setdefault("enable_auto_commit", False)
        c = Consumer(self.conf(**extra))
        self.consumers.append(c)
        return c

    def flush(self, producer, deliveries, count):
        self.assertEqual(0, producer.flush(60), "messages still queued after 60 s")
        self.assertEqual([], deliveries.errors())
        self.assertEqual(count, len(deliveries.reports))

    def create_topic(self, name, partitions, config=None):
        futures = self.admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1, config=config or {})],
            operation_timeout=TIMEOUT, request_timeout=TIMEOUT)
        futures[name].result(timeout=TIMEOUT)
        wait_until(lambda: name in self.admin.list_topics(timeout=TIMEOUT).topics, 30,
                   what="topic %s in metadata" % name)

    def read(self, consumer, topic, partitions, count, bound=60.0):
        """Assigns `partitions` from the beginning, polls until `count` messages arrived;
        returns {partition: [messages in offset order]}."""
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        got = {p: [] for p in partitions}
        deadline = time.monotonic() + bound
        while sum(len(v) for v in got.values()) < count and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            self.assertIsNone(msg.error(), msg.error())
            got[msg.partition()].append(msg)
        self.assertEqual(count, sum(len(v) for v in got.values()),
                         "messages read back from %s within %.0f s" % (topic, bound))
        return got

    # --- admin -----------------------------------------------------------------------------

    def test_admin_topics(self):
        topic = unique("ck-admin")
        self.create_topic(topic, 2, {"retention.ms": "7200000"})
        md = self.admin.list_topics(timeout=TIMEOUT)
        self.assertEqual([0], list(md.brokers))
        broker = md.brokers[0]
        self.assertEqual(self.node.bootstrap, "%s:%d" % (broker.host, broker.port))
        self.assertEqual(0, md.controller_id)
        tmd = md.topics[topic]
        self.assertIsNone(tmd.error)
        self.assertEqual([0, 1], sorted(tmd.partitions))
        for p in tmd.partitions.values():
            self.assertEqual((0, [0], [0]), (p.leader, p.replicas, p.isrs))

        with self.assertRaises(KafkaException) as ctx:
            self.admin.create_topics([NewTopic(topic, 1, 1)], operation_timeout=TIMEOUT)[
                topic].result(timeout=TIMEOUT)
        self.assertEqual(KafkaError.TOPIC_ALREADY_EXISTS, ctx.exception.args[0].code())

        resource = ConfigResource("topic", topic)
        entries = self.admin.describe_configs([resource])[resource].result(timeout=TIMEOUT)
        self.assertEqual("7200000", entries["retention.ms"].value)
        self.assertFalse(entries["retention.ms"].is_default)

        resource.set_config("retention.ms", "3600000")
        self.admin.alter_configs([resource])[resource].result(timeout=TIMEOUT)
        entries = self.admin.describe_configs([ConfigResource("topic", topic)])
        self.assertEqual("3600000", list(entries.values())[0].result(
            timeout=TIMEOUT)["retention.ms"].value)

        self.admin.create_partitions([NewPartitions(topic, 4)],
                                     operation_timeout=TIMEOUT)[topic].result(timeout=TIMEOUT)
        wait_until(lambda: len(self.admin.list_topics(topic, timeout=TIMEOUT)
                               .topics[topic].partitions) == 4, 30, what="4 partitions")

        self.admin.delete_topics([topic], operation_timeout=TIMEOUT)[topic].result(
            timeout=TIMEOUT)
        wait_until(lambda: topic not in self.admin.list_topics(timeout=TIMEOUT).topics, 30,
                   what="deleted topic %s gone" % topic)

    # --- produce / consume -----------------------------------------------------------------

    def test_every_codec_round_trip_with_keys_and_headers(self):
        for codec in CODECS:
            with self.subTest(codec=codec):
                self.round_trip(codec)

    def round_trip(self, codec):
        topic = unique("ck-codec-" + codec)
        self.create_topic(topic, 2)
        producer = self.producer(compression_type=codec, linger_ms=20)
        deliveries = Deliveries()
        sent = []
        for i in range(40):
            key = None if i == 7 else ("key-%d" % i).encode()
            value = None if i == 9 else (("value-%d-" % i) * (1 + i % 5)).encode()
            headers = [("index", str(i).encode()), ("codec", codec.encode())]
            if i % 4 == 0:
                headers.append(("index", b"repeated"))
            if i == 13:
                headers.append(("null-value", None))
            if i == 11:
                headers = []
            sent.append((i % 2, key, value, headers))
            producer.produce(topic, value=value, key=key, partition=i % 2, headers=headers,
                             on_delivery=deliveries)
        self.flush(producer, deliveries, len(sent))
        for partition in (0, 1):
            offsets = [r[3] for r in deliveries.reports if r[2] == partition]
            self.assertEqual(list(range(20)), offsets)

        got = self.read(self.consumer(), topic, [0, 1], len(sent))
        for partition in (0, 1):
            expected = [s for s in sent if s[0] == partition]
            self.assertEqual(list(range(len(expected))), [m.offset() for m in got[partition]])
            for (_, key, value, headers), m in zip(expected, got[partition]):
                self.assertEqual((key, value, headers),
                                 (m.key(), m.value(), list(m.headers() or [])))
                self.assertEqual(TIMESTAMP_CREATE_TIME, m.timestamp()[0])

    def test_idempotent_producer_writes_each_record_once_in_order(self):
        for codec in ("none", "lz4"):
            with self.subTest(codec=codec):
                topic = unique("ck-idem-" + codec)
                self.create_topic(topic, 3)
                producer = self.producer(enable_idempotence=True, compression_type=codec,
                                         linger_ms=5, batch_num_messages=50)
                deliveries = Deliveries()
                count = 600
                for i in range(count):
                    producer.produce(topic, value=b"%d" % i, key=b"k%d" % (i % 7),
                                     on_delivery=deliveries)
                    producer.poll(0)
                self.flush(producer, deliveries, count)
                per_partition = {}
                for _, _, partition, offset, value in deliveries.reports:
                    per_partition.setdefault(partition, []).append((offset, value))
                got = self.read(self.consumer(), topic, [0, 1, 2], count)
                for partition, reports in per_partition.items():
                    reports.sort()
                    self.assertEqual(list(range(len(reports))), [o for o, _ in reports])
                    self.assertEqual([v for _, v in reports],
                                     [m.value() for m in got[partition]])
                    values = [int(m.value()) for m in got[partition]]
                    self.assertEqual(sorted(values), values, "produce order kept in %d" %
                                     partition)
                self.assertEqual(count, len({m.value() for ms in got.values() for m in ms}))

    def test_one_mib_record(self):
        topic = unique("ck-big")
        self.create_topic(topic, 1, {"max.message.bytes": str(2 * 1024 * 1024)})
        value = bytes(range(256)) * 4096
        producer = self.producer(message_max_bytes=3 * 1024 * 1024)
        deliveries = Deliveries()
        producer.produce(topic, value=value, key=b"big", on_delivery=deliveries)
        producer.produce(topic, value=b"after", key=b"small", on_delivery=deliveries)
        self.flush(producer, deliveries, 2)
        got = self.read(self.consumer(), topic, [0], 2)[0]
        self.assertEqual([(b"big", value), (b"small", b"after")],
                         [(m.key(), m.value()) for m in got])

    def test_record_over_max_message_bytes_is_refused(self):
        topic = unique("ck-limit")
        self.create_topic(topic, 1, {"max.message.bytes": "1024"})
        producer = self.producer(retries=0)
        deliveries = Deliveries()
        producer.produce(topic, value=b"x" * 4096, on_delivery=deliveries)
        self.assertEqual(0, producer.flush(60))
        self.assertEqual(1, len(deliveries.reports))
        err = deliveries.reports[0][0]
        self.assertIsNotNone(err, "a 4 KiB record in a topic with max.message.bytes=1024")
        self.assertEqual(KafkaError.MSG_SIZE_TOO_LARGE, err.code(), err)
        self.assertNodeAlive()
        ok = Deliveries()
        producer.produce(topic, value=b"small enough", on_delivery=ok)
        self.flush(producer, ok, 1)
        self.assertEqual(0, ok.reports[0][3], "the refused record took no offset")

    def test_seek_watermarks_and_offsets_for_times(self):
        topic = unique("ck-times")
        self.create_topic(topic, 1)
        base = int(time.time() * 1000) - 3600 * 1000
        producer = self.producer()
        deliveries = Deliveries()
        for i in range(10):
            producer.produce(topic, value=b"v%d" % i, partition=0, timestamp=base + 1000 * i,
                             on_delivery=deliveries)
        self.flush(producer, deliveries, 10)

        consumer = self.consumer()
        tp = TopicPartition(topic, 0)
        self.assertEqual((0, 10), consumer.get_watermark_offsets(tp, timeout=TIMEOUT))
        found = consumer.offsets_for_times([TopicPartition(topic, 0, base + 4500)],
                                           timeout=TIMEOUT)
        self.assertEqual(5, found[0].offset)
        found = consumer.offsets_for_times([TopicPartition(topic, 0, base + 60000)],
                                           timeout=TIMEOUT)
        self.assertEqual(-1, found[0].offset, "past the last record: the end (-1)")

        consumer.assign([TopicPartition(topic, 0, 0)])
        first = self.poll_one(consumer)
        self.assertEqual((0, b"v0", (TIMESTAMP_CREATE_TIME, base)),
                         (first.offset(), first.value(), first.timestamp()))
        consumer.seek(TopicPartition(topic, 0, 7))
        rest = [self.poll_one(consumer) for _ in range(3)]
        self.assertEqual([(7, b"v7", base + 7000), (8, b"v8", base + 8000),
                          (9, b"v9", base + 9000)],
                         [(m.offset(), m.value(), m.timestamp()[1]) for m in rest])

    def poll_one(self, consumer, bound=30.0):
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is not None:
                self.assertIsNone(msg.error(), msg.error())
                return msg
        self.fail("no message within %.0f s" % bound)

    # --- groups ----------------------------------------------------------------------------

    def test_group_range(self):
        self.group_split_and_rebalance("range")

    def test_group_roundrobin(self):
        self.group_split_and_rebalance("roundrobin")

    def test_group_cooperative_sticky(self):
        self.group_split_and_rebalance("cooperative-sticky")

    def group_split_and_rebalance(self, strategy):
        topic = unique("ck-group")
        group = unique("ck-g")
        self.create_topic(topic, 4)
        a = Member(self, topic, group, strategy, "a")
        b = None
        try:
            a.poll_until([], lambda: a.assignment() == {0, 1, 2, 3}, "a owns all 4")
            self.assertEqual([], a.revoked)
            b = Member(self, topic, group, strategy, "b")

            def split():
                sa, sb = a.assignment(), b.assignment()
                return len(sa) == 2 and len(sb) == 2 and sa | sb == {0, 1, 2, 3}

            a.poll_until([b], split, "a and b own 2 partitions each")
            if strategy == "cooperative-sticky":
                # Incremental: a gave up only what b got, and never everything.
                self.assertEqual(b.assignment(), set().union(*a.revoked), a.revoked)
            else:
                self.assertEqual([{0, 1, 2, 3}], a.revoked, "eager: a revoked everything")

            groups = self.admin.list_groups(group, timeout=TIMEOUT)
            self.assertEqual(1, len(groups), groups)
            g = groups[0]
            self.assertEqual((None, group, "Stable", "consumer", strategy),
                             (g.error, g.id, g.state, g.protocol_type, g.protocol))
            self.assertEqual({"ck-a", "ck-b"}, {m.client_id for m in g.members})
            self.assertIn(group, {x.id for x in self.admin.list_groups(timeout=TIMEOUT)})

            b.consumer.close()  # LeaveGroup
            b = None
            a.poll_until([], lambda: a.assignment() == {0, 1, 2, 3},
                         "a owns all 4 again after b left")
        finally:
            for m in (a, b):
                if m is not None:
                    m.consumer.close()

    def test_created_and_grown_partitions_keep_their_leader_across_a_restart(self):
        topic = unique("ck-leaders")
        self.create_topic(topic, 2)
        self.admin.create_partitions([NewPartitions(topic, 3)],
                                     operation_timeout=TIMEOUT)[topic].result(timeout=TIMEOUT)
        self.admin = None
        self.assertEqual(0, self.node.restart(), "clean stop exit code")
        self.admin = AdminClient({"bootstrap.servers": self.node.bootstrap})
        partitions = self.admin.list_topics(topic, timeout=TIMEOUT).topics[topic].partitions
        self.assertEqual({p: (0, [0], [0]) for p in range(3)},
                         {p: (m.leader, m.replicas, m.isrs) for p, m in partitions.items()})
        producer = self.producer()
        deliveries = Deliveries()
        for p in range(3):
            producer.produce(topic, value=b"after restart", partition=p, on_delivery=deliveries)
        self.flush(producer, deliveries, 3)

    def test_commit_restart_node_resume(self):
        topic = unique("ck-commit")
        group = unique("ck-cg")
        self.create_topic(topic, 1)
        producer = self.producer()  # lives across the restart
        deliveries = Deliveries()
        for i in range(10):
            producer.produce(topic, value=b"m%d" % i, partition=0, on_delivery=deliveries)
        self.flush(producer, deliveries, 10)

        consumer = self.consumer(group_id=group)
        consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        first = [self.poll_one(consumer) for _ in range(4)]
        self.assertEqual([0, 1, 2, 3], [m.offset() for m in first])
        consumer.commit(offsets=[TopicPartition(topic, 0, 4)], asynchronous=False)
        consumer.close()

        self.assertEqual(0, self.node.restart(), "clean stop exit code")

        for i in range(10, 15):
            producer.produce(topic, value=b"m%d" % i, partition=0, on_delivery=deliveries)
        self.flush(producer, deliveries, 15)
        self.assertEqual(list(range(15)), [r[3] for r in deliveries.reports])

        consumer = self.consumer(group_id=group)
        committed = consumer.committed([TopicPartition(topic, 0)], timeout=TIMEOUT)
        self.assertEqual(4, committed[0].offset)
        consumer.subscribe([topic])
        rest = [self.poll_one(consumer, 60) for _ in range(11)]
        self.assertEqual([(i, b"m%d" % i) for i in range(4, 15)],
                         [(m.offset(), m.value()) for m in rest])


class Member:
    """A subscribed consumer polled from the test's thread; librdkafka runs the group
    protocol on its own threads and serves the rebalance callbacks inside poll()."""

    def __init__(self, test, topic, group, strategy, name):
        self.test = test
        self.revoked = []
        self.consumer = Consumer({
            "bootstrap.servers": test.node.bootstrap, "group.id": group,
            "client.id": "ck-" + name, "partition.assignment.strategy": strategy,
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000, "heartbeat.interval.ms": 300})
        self.consumer.subscribe([topic], on_revoke=self.on_revoke)

    def on_revoke(self, consumer, partitions):
        if partitions:
            self.revoked.append({p.partition for p in partitions})

    def assignment(self):
        return {p.partition for p in self.consumer.assignment()}

    def poll(self):
        msg = self.consumer.poll(0.1)
        if msg is not None and msg.error() is not None:
            self.test.assertFalse(msg.error().fatal(), msg.error())

    def poll_until(self, others, ready, what, bound=60.0):
        """Polls this member and `others` until `ready()` holds (bounded)."""
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            for m in [self] + list(others):
                m.poll()
            if ready():
                return
        self.test.fail("timed out after %.0f s waiting for %s" % (bound, what))


if __name__ == "__main__":
    unittest.main()
