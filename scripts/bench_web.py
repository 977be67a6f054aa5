"""Measure requests per second of small JSON endpoints under waitress on loopback.

Usage: python scripts/bench_web.py [--seconds 5] [--clients 4] [--data FILE] [PATH ...]

Starts ``govgraph``'s app on waitress in a child process on a free port, then runs keep-alive
clients in other processes (so they do not share the server's interpreter lock) and prints
one line per path: requests per second and the share of answers that were 200.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "tests" / "data" / "web-tiny.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int, data: str) -> None:
    sys.path.insert(0, str(ROOT))
    import waitress

    from app import create_app

    app = create_app({"DATA": [data]})
    waitress.serve(app, host="127.0.0.1", port=port, threads=4, _quiet=True)


def wait_until_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not start on port {port}")


def hammer(port: int, path: str, seconds: float, results: multiprocessing.Queue) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    done = ok = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        done += 1
        ok += response.status == 200
    results.put((done, ok))


def measure(port: int, path: str, seconds: float, clients: int) -> tuple[float, float]:
    results: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=hammer, args=(port, path, seconds, results))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    counts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    done = sum(c[0] for c in counts)
    return done / seconds, sum(c[1] for c in counts) / max(done, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["/healthz", "/api/scenarios"])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    args = parser.parse_args()
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port, args.data), daemon=True)
    server.start()
    try:
        wait_until_up(port)
        for path in args.paths:
            rate, share_ok = measure(port, path, args.seconds, args.clients)
            print(f"{path}: {rate:,.0f} requests/s ({share_ok:.0%} ok)")
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
