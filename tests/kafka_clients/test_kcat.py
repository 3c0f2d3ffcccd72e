"""kcat 1.7.1 (librdkafka 2.0.2) against a tributary node.

kcat has no admin commands, so topics are auto-created by producing (the node runs with
num.partitions=3 and message.max.bytes=2 MiB). Covers: metadata (-L -J), keyed records with
headers under every codec (none, gzip, snappy, lz4, zstd) read back exactly, balanced
consumers (-G) with range, roundrobin and cooperative-sticky that split and rebalance when
one leaves, commit + node restart + resume, -Q offsets for times, s@ offsets, absolute and
relative offsets, the idempotent producer, a 1 MiB record and MESSAGE_TOO_LARGE.

Run with /usr/bin/python3 -m unittest -v test_kcat (TRIB_TRIBUTARY_BIN set).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import NodeTestCase, unique, wait_until

KCAT = shutil.which("kcat") or "/usr/bin/kcat"
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
RUN_BOUND = 90.0


class KcatTest(NodeTestCase):
    node_args = ("--num.partitions=3", "--message.max.bytes=%d" % (2 * 1024 * 1024))

    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="trib-kcat-")
        self.background = []

    def tearDown(self):
        for proc, _ in self.background:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def kcat(self, *args, input=b"", check=True):
        """Runs kcat against the node; returns (exit code, stdout bytes, stderr text)."""
        argv = [KCAT, "-b", self.node.bootstrap, "-m", "30"] + list(args)
        done = subprocess.run(argv, input=input, capture_output=True, timeout=RUN_BOUND)
        err = done.stderr.decode("utf-8", "replace")
        if check:
            self.assertEqual(0, done.returncode, "%s\nstderr:\n%s" % (" ".join(argv), err))
        return done.returncode, done.stdout, err

    def produce(self, topic, lines, *args):
        self.kcat("-P", "-t", topic, "-X", "acks=all", *args, input=b"\n".join(lines) + b"\n")

    def consume_json(self, topic, *args):
        _, out, _ = self.kcat("-C", "-t", topic, "-J", "-e", "-o", "beginning", *args)
        return [json.loads(line) for line in out.decode().splitlines() if line.strip()]

    def by_partition(self, messages):
        out = {}
        for m in messages:
            out.setdefault(m["partition"], []).append(m)
        for ms in out.values():
            ms.sort(key=lambda m: m["offset"])
        return out

    # --- metadata --------------------------------------------------------------------------

    def test_metadata_lists_the_node_and_auto_created_topics(self):
        topic = unique("kc-meta")
        self.produce(topic, [b"hello"])
        _, out, _ = self.kcat("-L", "-J")
        md = json.loads(out)
        self.assertEqual(0, md["controllerid"])
        self.assertEqual([{"id": 0, "name": self.node.bootstrap}], md["brokers"])
        topics = {t["topic"]: t for t in md["topics"]}
        self.assertIn(topic, topics)
        partitions = topics[topic]["partitions"]
        self.assertEqual([0, 1, 2], sorted(p["partition"] for p in partitions))
        for p in partitions:
            self.assertEqual((0, [{"id": 0}], [{"id": 0}]), (p["leader"], p["replicas"], p["isrs"]))

    # --- produce / consume -----------------------------------------------------------------

    def test_every_codec_round_trip_with_keys_and_headers(self):
        for codec in CODECS:
            with self.subTest(codec=codec):
                topic = unique("kc-codec-" + codec)
                lines = [b"key-%d:%s" % (i, (b"value-%d-" % i) * (1 + i % 5)) for i in range(40)]
                lines.append(b"key-null:")  # with -Z: a NULL value
                self.produce(topic, lines, "-K", ":", "-Z", "-z", codec, "-H", "codec=" + codec,
                             "-H", "twice=1", "-H", "twice=2")
                got = self.consume_json(topic)
                self.assertEqual(len(lines), len(got))
                order = [line.split(b":", 1)[0].decode() for line in lines]
                parts = self.by_partition(got)
                self.assertGreater(len(parts), 1, "41 keys over 3 partitions")
                for partition, ms in parts.items():
                    self.assertEqual(list(range(len(ms))), [m["offset"] for m in ms])
                    keys = [m["key"] for m in ms]
                    self.assertEqual([k for k in order if k in keys], keys,
                                     "produce order within partition %d" % partition)
                for m in got:
                    self.assertEqual(["codec", codec, "twice", "1", "twice", "2"], m["headers"])
                    if m["key"] == "key-null":
                        self.assertIsNone(m["payload"])
                    else:
                        i = int(m["key"].split("-")[1])
                        self.assertEqual(("value-%d-" % i) * (1 + i % 5), m["payload"])

    def test_offsets_absolute_relative_and_by_time(self):
        topic = unique("kc-offsets")
        for round_ in range(3):  # three producers: three batches with their own times
            self.produce(topic, [b"r%d-%d" % (round_, i) for i in range(4)], "-p", "0")
        all_ = self.consume_json(topic, "-p", "0")
        self.assertEqual(list(range(12)), [m["offset"] for m in all_])

        self.assertEqual([5, 6, 7],
                         [m["offset"] for m in self.consume_json(topic, "-p", "0", "-o", "5",
                                                                 "-c", "3")])
        self.assertEqual([10, 11],
                         [m["offset"] for m in self.consume_json(topic, "-p", "0", "-o", "-2")])

        times = [m["ts"] for m in all_]
        target = times[5]
        expected = min(o for o, ts in enumerate(times) if ts >= target)
        _, out, _ = self.kcat("-Q", "-t", "%s:0:%d" % (topic, target))
        self.assertIn("%s [0] offset %d" % (topic, expected), out.decode())
        _, out, _ = self.kcat("-Q", "-t", "%s:0:%d" % (topic, times[-1] + 60000))
        self.assertIn("%s [0] offset -1" % topic, out.decode(), "past the end: -1")
        from_time = self.consume_json(topic, "-p", "0", "-o", "s@%d" % target)
        self.assertEqual(list(range(expected, 12)), [m["offset"] for m in from_time])

    def test_idempotent_producer_writes_each_record_once_in_order(self):
        topic = unique("kc-idem")
        count = 1000
        self.produce(topic, [b"%d" % i for i in range(count)], "-p", "1",
                     "-X", "enable.idempotence=true", "-X", "batch.num.messages=100")
        got = self.consume_json(topic, "-p", "1")
        self.assertEqual([(i, str(i)) for i in range(count)],
                         [(m["offset"], m["payload"]) for m in got])

    def test_one_mib_record_and_one_over_the_limit(self):
        topic = unique("kc-big")
        path = os.path.join(self.scratch, "big")
        value = (b"abcdefghijklmnopqrstuvwxyz" * 40330)[:1024 * 1024]
        with open(path, "wb") as f:
            f.write(value)
        # A file argument is sent as one message.
        self.kcat("-P", "-t", topic, "-p", "0", "-k", "big", "-X", "message.max.bytes=3000000",
                  path)
        _, out, _ = self.kcat("-C", "-t", topic, "-p", "0", "-o", "0", "-c", "1", "-e", "-f",
                              "%s")
        self.assertEqual(value, out)

        too_big = os.path.join(self.scratch, "too-big")
        with open(too_big, "wb") as f:
            f.write(value * 3)  # 3 MiB > the node's message.max.bytes of 2 MiB
        code, _, err = self.kcat("-P", "-t", topic, "-p", "0", "-X", "message.max.bytes=5000000",
                                 "-X", "message.send.max.retries=0", too_big, check=False)
        self.assertNotEqual(0, code, err)
        self.assertIn("Message size too large", err)
        self.assertNodeAlive()
        self.produce(topic, [b"after"], "-p", "0")
        got = self.consume_json(topic, "-p", "0", "-o", "1")
        self.assertEqual([(1, "after")], [(m["offset"], m["payload"]) for m in got],
                         "the refused record took no offset")

    # --- groups ----------------------------------------------------------------------------

    def test_group_range(self):
        self.group_split_and_rebalance("range")

    def test_group_roundrobin(self):
        self.group_split_and_rebalance("roundrobin")

    def test_group_cooperative_sticky(self):
        self.group_split_and_rebalance("cooperative-sticky")

    def start_member(self, group, topic, strategy, name):
        err_path = os.path.join(self.scratch, name + ".err")
        err = open(err_path, "wb")
        proc = subprocess.Popen(
            [KCAT, "-b", self.node.bootstrap, "-G", group, "-J", "-o", "beginning",
             "-X", "partition.assignment.strategy=" + strategy, "-X", "session.timeout.ms=10000",
             "-X", "heartbeat.interval.ms=300", "-X", "client.id=kc-" + name, topic],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        self.background.append((proc, err_path))
        return proc, err_path

    @staticmethod
    def assignment(err_path):
        """Replays kcat's rebalance lines; returns the partitions owned now."""
        owned = set()
        with open(err_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        for line in text.splitlines():
            if "rebalanced" not in line:
                continue
            parts = {int(p) for p in re.findall(r"\[(\d+)\]", line.split("):", 1)[-1])}
            if "incremental assign" in line:
                owned |= parts
            elif "incremental revoke" in line or "incremental unassign" in line:
                owned -= parts
            elif "assigned:" in line:
                owned = parts
            elif "revoked:" in line:
                owned = set()
        return owned

    def group_split_and_rebalance(self, strategy):
        topic = unique("kc-group")
        group = unique("kc-g")
        self.produce(topic, [b"x"])  # auto-creates 3 partitions
        everything = {0, 1, 2}
        a, a_err = self.start_member(group, topic, strategy, "a")
        wait_until(lambda: self.assignment(a_err) == everything, 60, what="a owns all 3")
        b, b_err = self.start_member(group, topic, strategy, "b")

        def split():
            sa, sb = self.assignment(a_err), self.assignment(b_err)
            return sa and sb and not (sa & sb) and sa | sb == everything

        wait_until(split, 60, what="a and b split the 3 partitions")
        b.send_signal(signal.SIGTERM)  # kcat closes its consumer: LeaveGroup
        self.assertEqual(0, b.wait(timeout=60))
        wait_until(lambda: self.assignment(a_err) == everything, 60,
                   what="a owns all 3 again after b left")
        self.assertIsNone(a.poll(), "a still running")

    def test_commit_restart_node_resume(self):
        topic = unique("kc-commit")
        group = unique("kc-cg")
        self.produce(topic, [b"m%d" % i for i in range(10)], "-p", "0")
        # -c 4: four messages, their offsets committed when kcat closes the consumer.
        _, out, _ = self.kcat("-G", group, "-J", "-o", "beginning", "-c", "4", topic)
        first = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        self.assertEqual([0, 1, 2, 3], [m["offset"] for m in first])

        self.assertEqual(0, self.node.restart(), "clean stop exit code")

        self.produce(topic, [b"m%d" % i for i in range(10, 12)], "-p", "0")
        _, out, _ = self.kcat("-G", group, "-J", "-e", topic)
        rest = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        self.assertEqual([(i, "m%d" % i) for i in range(4, 12)],
                         [(m["offset"], m["payload"]) for m in rest])


if __name__ == "__main__":
    unittest.main()
