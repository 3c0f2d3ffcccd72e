"""A real `tributary` node for the Kafka client tests.

Each `Node` runs the program named by TRIB_TRIBUTARY_BIN on free 127.0.0.1 ports (bound to
port 0, read back, closed) with a temporary data folder of its own, logs stdout/stderr to a
file, is stopped by PID (SIGTERM, SIGKILL after a bound) and can restart on the same data
folder and ports. `NodeTestCase` starts one node per test class and prints the node's log
when a test fails. Every wait is bounded; nothing here sleeps to synchronise except the
bounded polling of `wait_until`.

Debian's client packages are only visible to /usr/bin/python3 (see README.md).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

START_BOUND = 60.0  # seconds; Debug and sanitizer builds start slowly
STOP_BOUND = 20.0  # SIGTERM -> SIGKILL
LOG_TAIL_LINES = 300


def free_port():
    """A 127.0.0.1 TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_connect(port, timeout=1.0):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(ready, bound=30.0, step=0.05, what="condition"):
    """Calls `ready()` until it returns a truthy value or `bound` seconds pass.

    Returns the truthy value; raises AssertionError naming `what` on timeout."""
    deadline = time.monotonic() + bound
    while True:
        value = ready()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (bound, what))
        time.sleep(step)


def tributary_bin():
    path = os.environ.get("TRIB_TRIBUTARY_BIN", "")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(
            "TRIB_TRIBUTARY_BIN must name the tributary program (got %r)" % path)
    return path


class Node:
    """One tributary process. Owned by one test class; not thread-safe.

    Fails with RuntimeError (carrying the log) when the process exits during startup or
    its Kafka port does not accept within START_BOUND."""

    def __init__(self, name="node", extra_args=()):
        self.binary = tributary_bin()
        self.scratch = tempfile.mkdtemp(prefix="trib-kafka-%s-" % name)
        self.data_dir = os.path.join(self.scratch, "data")
        self.log_path = os.path.join(self.scratch, "node.log")
        self.extra_args = list(extra_args)
        self.kafka_port = None
        self.native_port = None
        self.proc = None

    @property
    def bootstrap(self):
        return "127.0.0.1:%d" % self.kafka_port

    def argv(self):
        return [
            self.binary,
            "--data.dir=" + self.data_dir,
            "--listeners=PLAINTEXT://127.0.0.1:%d" % self.kafka_port,
            "--native.listener=127.0.0.1:%d" % self.native_port,
            "--group.initial.rebalance.delay.ms=0",
        ] + self.extra_args

    def start(self):
        """Starts the node and waits until its Kafka port accepts connections."""
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("node already running (pid %d)" % self.proc.pid)
        fresh_ports = self.kafka_port is None
        # Another process may grab a port between free_port() and the node's bind: retry
        # with new ports a few times, but only before the first start (restarts keep them).
        for attempt in range(3 if fresh_ports else 1):
            if fresh_ports:
                self.kafka_port = free_port()
                self.native_port = free_port()
                while self.native_port == self.kafka_port:
                    self.native_port = free_port()
            try:
                self._start_once()
                return
            except RuntimeError as e:
                if not fresh_ports or "in use" not in str(e) or attempt == 2:
                    raise

    def _start_once(self):
        log_start = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        # The node reads TRIB_* variables as settings: it must see only the test's flags.
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRIB_")}
        with open(self.log_path, "ab") as log:
            log.write(("=== start: %s\n" % " ".join(self.argv())).encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.argv(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=env, start_new_session=True)
        deadline = time.monotonic() + START_BOUND
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("tributary exited with %s during startup:\n%s" %
                                   (self.proc.returncode, self.log()[log_start:]))
            if can_connect(self.kafka_port):
                return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("tributary's Kafka port %d did not accept within %.0f s:\n%s" %
                           (self.kafka_port, START_BOUND, self.log()[log_start:]))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, bound=STOP_BOUND):
        """SIGTERM, wait up to `bound`, then SIGKILL. Returns the exit code (None if never
        started); a code of -9 means it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=bound)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_BOUND)
            except subprocess.TimeoutExpired:
                pass

    def restart(self):
        """A clean stop and a start on the same data folder and ports; returns the stop's
        exit code."""
        code = self.stop()
        self.start()
        return code

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines=LOG_TAIL_LINES):
        text = self.log().splitlines()
        head = "--- tributary log %s (last %d of %d lines) ---" % (
            self.log_path, min(lines, len(text)), len(text))
        return "\n".join([head] + text[-lines:] + ["--- end of tributary log ---"])

    def close(self):
        """Stops the node and removes its folder (kept when KEEP_TRIB_SCRATCH is set)."""
        self.stop()
        if not os.environ.get("KEEP_TRIB_SCRATCH"):
            shutil.rmtree(self.scratch, ignore_errors=True)


class NodeTestCase(unittest.TestCase):
    """One node per test class (`node_args` adds flags); its log goes to stderr when a test
    of the class fails or errors, and the node is stopped in tearDownClass."""

    node_args = ()
    node = None

    @classmethod
    def setUpClass(cls):
        cls.node = Node(cls.__name__, cls.node_args)
        try:
            cls.node.start()
        except BaseException:
            cls.node.close()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.node is not None:
            cls.node.close()

    def run(self, result=None):
        if result is None:
            return super().run(result)
        before = len(result.failures) + len(result.errors)
        outcome = super().run(result)
        if len(result.failures) + len(result.errors) > before and self.node is not None:
            sys.stderr.write("\n%s failed; node alive: %s\n%s\n" %
                             (self.id(), self.node.alive(), self.node.log_tail()))
            sys.stderr.flush()
        return outcome

    def assertNodeAlive(self):
        self.assertTrue(self.node.alive(), "the tributary process exited")


def unique(prefix):
    """A topic/group name unique within this process run."""
    unique.counter += 1
    return "%s-%d-%d" % (prefix, os.getpid(), unique.counter)


unique.counter = 0
