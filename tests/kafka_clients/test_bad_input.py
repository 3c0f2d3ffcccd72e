"""Bad bytes on a tributary node's Kafka port (raw sockets), then a normal client.

What Apache Kafka does, and what the node must do too: a frame it cannot parse (garbage, an
unknown API key, a request cut short inside its frame) and a size prefix over
socket.request.max.bytes (or negative) make it close that connection without an answer; a
peer that hangs up mid-frame costs nothing; ApiVersions with a version it does not know is
answered with UNSUPPORTED_VERSION (35) and its own ApiVersions range. After each, the process
is alive and kafka-python (a normal client) still works.

Run with /usr/bin/python3 -m unittest -v test_bad_input (TRIB_TRIBUTARY_BIN set).
"""

import socket
import struct
import unittest

from kafka import KafkaAdminClient, KafkaProducer

from harness import NodeTestCase, unique

CLOSE_BOUND = 20.0  # seconds the node has to close (or answer) a connection
API_VERSIONS = 18
METADATA = 3
UNSUPPORTED_VERSION = 35


def request(api_key, version, correlation_id, body=b"", client_id=b"bad-input", flexible=False):
    """A request frame with a v1 header, or v2 (an empty tagged-field section after the
    client id) when `flexible`."""
    header = struct.pack(">hhih", api_key, version, correlation_id, len(client_id)) + client_id
    if flexible:
        header += b"\x00"
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


class BadInputTest(NodeTestCase):

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.node.kafka_port), timeout=CLOSE_BOUND)
        self.addCleanup(sock.close)
        return sock

    def read_until_closed(self, sock):
        """Everything the node sends until it closes; fails when it neither closes nor
        sends anything more within CLOSE_BOUND."""
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return received
            except socket.timeout:
                self.fail("the node kept the connection open for %.0f s after bad input "
                          "(received %r); Kafka closes it" % (CLOSE_BOUND, received[:200]))
            if not chunk:
                return received
            received += chunk

    def read_response(self, sock):
        """One response frame: (correlation id, rest of the body)."""
        def exactly(n):
            data = b""
            while len(data) < n:
                chunk = sock.recv(n - len(data))
                self.assertTrue(chunk, "the node closed the connection instead of answering")
                data += chunk
            return data
        size = struct.unpack(">i", exactly(4))[0]
        self.assertGreaterEqual(size, 4)
        self.assertLess(size, 1 << 20)
        frame = exactly(size)
        return struct.unpack(">i", frame[:4])[0], frame[4:]

    def api_versions_v0(self, sock, correlation_id):
        sock.sendall(request(API_VERSIONS, 0, correlation_id))
        cid, body = self.read_response(sock)
        self.assertEqual(correlation_id, cid)
        error, count = struct.unpack(">hi", body[:6])
        self.assertEqual(0, error)
        keys = {struct.unpack(">hhh", body[6 + 6 * i:12 + 6 * i])[0] for i in range(count)}
        self.assertIn(API_VERSIONS, keys)
        self.assertIn(METADATA, keys)
        return keys

    def assert_still_serving(self):
        self.assertNodeAlive()
        self.api_versions_v0(self.connect(), 4242)
        admin = KafkaAdminClient(bootstrap_servers=self.node.bootstrap, request_timeout_ms=30000)
        try:
            topic = unique("bad-input-after")
            producer = KafkaProducer(bootstrap_servers=self.node.bootstrap, acks="all")
            try:
                meta = producer.send(topic, b"still here").get(timeout=60)
                self.assertEqual(0, meta.offset)
            finally:
                producer.close()
            self.assertIn(topic, admin.list_topics())
        finally:
            admin.close()

    # ---------------------------------------------------------------------------------------

    def test_pipelined_requests_are_answered_in_order(self):
        sock = self.connect()
        sock.sendall(b"".join(request(API_VERSIONS, v, 100 + v) for v in (0, 1, 2)))
        self.assertEqual([100, 101, 102], [self.read_response(sock)[0] for _ in range(3)])

    def test_garbage_bytes(self):
        sock = self.connect()
        sock.sendall(b"\x00\x00\x00\x10" + b"\xde\xad\xbe\xef" * 4)  # api key 0xdead
        self.read_until_closed(sock)
        sock = self.connect()
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # size prefix 0x47455420 > limit
        self.read_until_closed(sock)
        sock = self.connect()
        noise = (bytes(range(255, -1, -1)) * 8)[:2044]  # api key 0xfffe, version 0xfdfc
        sock.sendall(struct.pack(">i", len(noise)) + noise)
        self.read_until_closed(sock)
        self.assert_still_serving()

    def test_truncated_requests(self):
        whole = request(API_VERSIONS, 0, 1)
        for cut in (2, 4, len(whole) - 1):  # inside the size prefix, after it, one byte short
            sock = self.connect()
            sock.sendall(whole[:cut])
            sock.shutdown(socket.SHUT_WR)  # the peer hangs up mid-frame
            self.read_until_closed(sock)
        sock = self.connect()
        sock.sendall(whole[:len(whole) - 1])
        sock.close()
        # A whole frame whose body stops short: Metadata v1 announcing 5 topics, giving none.
        sock = self.connect()
        sock.sendall(request(METADATA, 1, 2, body=struct.pack(">i", 5)))
        self.assertEqual(b"", self.read_until_closed(sock), "Kafka closes without answering")
        # A frame shorter than a request header.
        sock = self.connect()
        sock.sendall(struct.pack(">ih", 2, API_VERSIONS))
        self.assertEqual(b"", self.read_until_closed(sock))
        self.assert_still_serving()

    def test_unknown_api_key_and_version(self):
        sock = self.connect()
        sock.sendall(request(999, 0, 3))
        self.assertEqual(b"", self.read_until_closed(sock), "Kafka closes on an unknown API key")

        # What a client newer than the node sends: ApiVersions v3+ has a v2 (flexible)
        # header, whatever the version.
        sock = self.connect()
        sock.sendall(request(API_VERSIONS, 99, 5, flexible=True))
        cid, body = self.read_response(sock)
        self.assertEqual(5, cid)
        error, count = struct.unpack(">hi", body[:6])
        self.assertEqual(UNSUPPORTED_VERSION, error)
        entries = [struct.unpack(">hhh", body[6 + 6 * i:12 + 6 * i]) for i in range(count)]
        self.assertIn(API_VERSIONS, [e[0] for e in entries],
                      "the answer lists the ApiVersions versions the node serves")
        self.api_versions_v0(sock, 6)  # the connection stays usable

        sock = self.connect()
        sock.sendall(request(METADATA, 999, 7, body=struct.pack(">i", -1)))
        self.read_until_closed(sock)
        self.assert_still_serving()

    def test_huge_and_negative_size_prefixes(self):
        for prefix in (0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 200 * 1024 * 1024):
            sock = self.connect()
            sock.sendall(struct.pack(">I", prefix) + b"\x00" * 64)
            self.assertEqual(b"", self.read_until_closed(sock), "size prefix 0x%08x" % prefix)
        self.assert_still_serving()

    def test_many_connections_dropped_mid_request(self):
        whole = request(API_VERSIONS, 0, 1)
        for i in range(100):
            sock = socket.create_connection(("127.0.0.1", self.node.kafka_port), timeout=10)
            sock.sendall(whole[:1 + i % (len(whole) - 1)])
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # RST
        self.assert_still_serving()


if __name__ == "__main__":
    unittest.main()
