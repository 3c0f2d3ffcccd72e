#!/usr/bin/python3
"""Seed corpus capture: a TCP proxy between Kafka clients and a node that saves every request
frame (without its 4-byte size) to <out>/<api_key>-v<version>-<n>.bin.

  protocol/fuzz/capture_corpus.py --listen 127.0.0.1:29092 --upstream 127.0.0.1:9092 --out dir

Point a client at the listen address (the node must advertise the proxy's address, e.g.
`--advertised.listeners=PLAINTEXT://127.0.0.1:29092`). Stops after --seconds.
"""
import argparse, os, socket, struct, threading, time


def pump(src, dst, out, counter, lock):
    buf = b""
    while True:
        try:
            data = src.recv(65536)
        except OSError:
            break
        if not data:
            break
        dst.sendall(data)
        if out is None:
            continue
        buf += data
        while len(buf) >= 4:
            (size,) = struct.unpack(">i", buf[:4])
            if size < 0 or len(buf) < 4 + size:
                break
            frame, buf = buf[4 : 4 + size], buf[4 + size :]
            if len(frame) >= 4:
                key, version = struct.unpack(">hh", frame[:4])
                with lock:
                    counter[0] += 1
                    n = counter[0]
                with open(os.path.join(out, f"{key:02d}-v{version}-{n:04d}.bin"), "wb") as f:
                    f.write(frame)
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    host, port = a.listen.rsplit(":", 1)
    up_host, up_port = a.upstream.rsplit(":", 1)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
    srv.listen(16)
    srv.settimeout(0.5)
    counter, lock = [0], threading.Lock()
    deadline = time.time() + a.seconds
    while time.time() < deadline:
        try:
            client, _ = srv.accept()
        except socket.timeout:
            continue
        upstream = socket.create_connection((up_host, int(up_port)), timeout=10)
        upstream.settimeout(None)
        threading.Thread(target=pump, args=(client, upstream, a.out, counter, lock), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, None, counter, lock), daemon=True).start()
    print(f"captured {counter[0]} requests into {a.out}")


if __name__ == "__main__":
    main()
