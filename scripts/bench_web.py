"""Load-test the JSON API on loopback: throughput, latency at a fixed rate, and WSGI servers.

Usage: python scripts/bench_web.py [--servers waitress,gunicorn-gthread,gunicorn-sync]
       [--repeat 3] [--seconds 5] [--clients 4] [--rate 200] [--rate-seconds 20]
       [--rate-path /api/scenarios] [--data FILE] [--no-wrk] [PATH ...]

For each server and each round it starts the server in its own process group on a free
127.0.0.1 port (waitress exactly as ``govgraph serve`` runs it; gunicorn with two workers,
gthread or sync, if installed) and runs:

* a **closed loop** per PATH: ``--clients`` processes, each with one keep-alive connection,
  send the next request as soon as the last answer is read; requests per second;
* an **open loop** on ``--rate-path``: ``--rate`` requests per second for ``--rate-seconds``,
  sent at fixed intervals whatever the answers, spread over a few processes and threads.
  Latency counts from the *scheduled* send time, so a stalled server (or client) cannot hide
  the requests it delayed (no coordinated omission); p50/p90/p99/max and errors are printed;
* ``wrk`` on each PATH as an independent throughput check, when ``wrk`` is installed
  (``apt-get install wrk``); without it the script says so and runs everything else.

Rounds alternate between servers so the machine's background load falls on all of them, and
the medians over rounds are printed as Markdown tables. Traffic goes only to 127.0.0.1, and
every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import math
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_PATHS = ["/healthz", "/api/scenarios", "/api/scenarios/nplv-2022/graph"]
#: Processes x threads of the open loop: enough connections that one slow answer does not
#: hold up the next scheduled request (each connection sends every streams/rate seconds).
RATE_PROCESSES, RATE_THREADS = 4, 2
TIMEOUT_S = 10.0
#: Settings that would point the servers at another store than the one measured.
STORE_VARIABLES = ("GOVGRAPH_DB", "GOVGRAPH_DATA", "NEO4J_URI")


# Servers.


def waitress_command(port: int) -> list[str]:
    """``govgraph serve`` itself (waitress, its default threads)."""
    return [sys.executable, "-m", "app", "serve", "--host", HOST, "--port", str(port)]


def gunicorn_command(port: int, *options: str) -> list[str]:
    """gunicorn with two worker processes, each building its own app and store."""
    bind = f"{HOST}:{port}"
    return [sys.executable, "-m", "gunicorn", "-w", "2", *options, "-b", bind, "app:create_app()"]


SERVERS: dict[str, Callable[[int], list[str]]] = {
    "waitress": waitress_command,
    "gunicorn-gthread": lambda port: gunicorn_command(port, "-k", "gthread", "--threads", "4"),
    "gunicorn-sync": lambda port: gunicorn_command(port, "-k", "sync"),
}
SERVER_LABELS = {
    "waitress": "waitress, 1 process x 8 threads (`govgraph serve`)",
    "gunicorn-gthread": "gunicorn gthread, 2 workers x 4 threads",
    "gunicorn-sync": "gunicorn sync, 2 workers",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(data: str | None) -> dict[str, str]:
    """The environment for a server: bundled scenarios in memory unless ``data`` is given."""
    env = {k: v for k, v in os.environ.items() if k not in STORE_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if data:
        env["GOVGRAPH_DATA"] = data
    return env


def start_server(name: str, port: int, data: str | None) -> subprocess.Popen[bytes]:
    """Start a server in its own process group (gunicorn forks workers) and wait until ready."""
    server = subprocess.Popen(
        SERVERS[name](port),
        cwd=ROOT,
        env=server_env(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_ready(port, server)
    except BaseException:
        stop_server(server)
        raise
    return server


def wait_until_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    """Wait until /healthz answers 200 twice (so both gunicorn workers are likely up)."""
    deadline, answered = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and answered < 2:
        if server.poll() is not None:
            raise SystemExit(f"server exited with status {server.returncode}")
        answered = answered + 1 if get_status(port, "/healthz") == 200 else 0
        time.sleep(0.2)
    if answered < 2:
        raise SystemExit(f"server did not answer on port {port} within {timeout:.0f} s")


def get_status(port: int, path: str) -> int:
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (only the group this script started)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# Closed loop.


def exchange(connection: http.client.HTTPConnection, path: str) -> bool:
    """Send one GET on a keep-alive connection; True for a 200 (reconnects after a failure)."""
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except (OSError, http.client.HTTPException):
        connection.close()
        return False


def hammer(port: int, path: str, start: float, seconds: float, results: multiprocessing.Queue):
    """One closed-loop client: as many requests as it can from ``start`` for ``seconds``."""
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
    exchange(connection, path)  # connect and warm up before the clock starts
    sleep_until(start)
    done = failed = 0
    while time.monotonic() < start + seconds:
        failed += not exchange(connection, path)
        done += 1
    results.put((done, failed, time.monotonic() - start))


def closed_loop(port: int, path: str, seconds: float, clients: int) -> tuple[float, int]:
    """Return requests per second over all clients and the number of failed requests."""
    start = time.monotonic() + 1.0
    counts = run_processes(clients, hammer, (port, path, start, seconds))
    return sum(done / elapsed for done, _, elapsed in counts), sum(c[1] for c in counts)


def run_processes(count: int, target: Callable, args: tuple) -> list:
    """Run ``target(*args, results)`` in ``count`` processes and collect one result from each."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=target, args=(*args, results)) for _ in range(count)]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    return collected


def sleep_until(moment: float) -> None:
    # CLOCK_MONOTONIC is system-wide on Linux, so every process shares the schedule's clock.
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


# Open loop.


def paced_stream(port: int, path: str, times: list[float], out: list) -> None:
    """Send one request at each scheduled time on one connection; record latency or failure."""
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
    exchange(connection, path)
    for scheduled in times:
        sleep_until(scheduled)
        sent = time.monotonic()
        ok = exchange(connection, path)
        now = time.monotonic()
        out.append((now - scheduled, sent - scheduled, ok))


def paced(port: int, path: str, times: list[float], streams: int, results: multiprocessing.Queue):
    """One open-loop process: ``streams`` threads, each taking every streams-th slot."""
    outs: list[list] = [[] for _ in range(streams)]
    threads = [
        threading.Thread(target=paced_stream, args=(port, path, times[i::streams], outs[i]))
        for i in range(streams)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put([sample for out in outs for sample in out])


def open_loop(port: int, path: str, rate: float, seconds: float) -> dict[str, float]:
    """Send ``rate`` requests per second for ``seconds`` on a fixed schedule; latency figures."""
    start = time.monotonic() + 1.5
    schedule = [start + i / rate for i in range(int(rate * seconds))]
    results: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=paced, args=(port, path, schedule[p::RATE_PROCESSES], RATE_THREADS, results)
        )
        for p in range(RATE_PROCESSES)
    ]
    for worker in workers:
        worker.start()
    samples = [s for _ in workers for s in results.get(timeout=seconds + 600)]
    for worker in workers:
        worker.join()
    return latency_figures(samples, len(schedule))


def latency_figures(samples: list[tuple[float, float, bool]], scheduled: int) -> dict[str, float]:
    """p50/p90/p99/max in ms over answered requests, failures, and the client's own lag."""
    latencies = sorted(latency for latency, _, ok in samples if ok)
    lags = sorted(lag for _, lag, _ in samples)
    figures = {f"p{q}": percentile(latencies, q / 100) * 1000 for q in (50, 90, 99)}
    figures["max"] = (latencies[-1] if latencies else math.nan) * 1000
    figures["errors"] = scheduled - len(latencies)
    figures["lag_p99"] = percentile(lags, 0.99) * 1000
    return figures


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (NaN when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# wrk, the independent check.


def wrk_rate(port: int, path: str, seconds: float, connections: int) -> float:
    """Requests per second that wrk measures (2 threads); NaN if its output cannot be read."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    done = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, timeout=120
    )
    found = re.search(r"Requests/sec:\s*([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", done.stdout)
    if errors:
        print(f"    wrk reported: {errors.group(0)}")
    return float(found.group(1)) if found else math.nan


# One round on one server.


def measure_server(name: str, args: argparse.Namespace, use_wrk: bool) -> dict[str, float]:
    """Start the server, run every measurement once, stop it; return the figures by key."""
    port = free_port()
    server = start_server(name, port, args.data)
    figures: dict[str, float] = {"load": os.getloadavg()[0]}
    try:
        for path in args.paths:
            get_status(port, path)  # fill the caches, as a running server has them
            rate, failed = closed_loop(port, path, args.seconds, args.clients)
            figures[f"rps {path}"], figures[f"failed {path}"] = rate, failed
            print(f"  {path}: {rate:,.0f} requests/s, {failed} failed")
            if use_wrk:
                figures[f"wrk {path}"] = wrk_rate(port, path, args.seconds, args.wrk_connections)
                print(f"  {path}: wrk {figures[f'wrk {path}']:,.0f} requests/s")
        latency = open_loop(port, args.rate_path, args.rate, args.rate_seconds)
        figures.update({f"open {key}": value for key, value in latency.items()})
        print("  " + describe_latency(args, latency))
    finally:
        stop_server(server)
    return figures


def describe_latency(args: argparse.Namespace, latency: dict[str, float]) -> str:
    return (
        f"{args.rate_path} at {args.rate:g}/s for {args.rate_seconds:g} s: "
        f"p50 {latency['p50']:.1f} ms, p90 {latency['p90']:.1f} ms, "
        f"p99 {latency['p99']:.1f} ms, max {latency['max']:.1f} ms, "
        f"{latency['errors']:.0f} errors (client send lag p99 {latency['lag_p99']:.1f} ms)"
    )


# Report.


def median_figures(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def throughput_table(medians: dict[str, dict[str, float]], args, use_wrk: bool) -> str:
    """Markdown: median requests/s per server and path (Python clients, then wrk)."""
    columns = [f"`{p}`" for p in args.paths]
    if use_wrk:
        columns += [f"`{p}` (wrk)" for p in args.paths]
    lines = ["| server | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, m in medians.items():
        cells = [f"{m[f'rps {p}']:,.0f}" for p in args.paths]
        if use_wrk:
            cells += [f"{m[f'wrk {p}']:,.0f}" for p in args.paths]
        lines.append(f"| {SERVER_LABELS[name]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def latency_table(medians: dict[str, dict[str, float]]) -> str:
    """Markdown: median open-loop latency figures per server, and the 1-minute load average
    when its rounds started (other work on the machine plus the previous round)."""
    keys = ("p50", "p90", "p99", "max")
    header = "| server | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | errors | load at start |"
    lines = [header, "|---|---|---|---|---|---|---|"]
    for name, m in medians.items():
        cells = [f"{m[f'open {k}']:.1f}" for k in keys]
        cells += [f"{m['open errors']:.0f}", f"{m['load']:.1f}"]
        lines.append(f"| {SERVER_LABELS[name]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def available_servers(names: list[str]) -> list[str]:
    """Drop the gunicorn variants when gunicorn is not installed, saying so."""
    if importlib.util.find_spec("gunicorn") is None:
        skipped = [n for n in names if n.startswith("gunicorn")]
        if skipped:
            print(f"gunicorn is not installed: skipping {', '.join(skipped)}")
        return [n for n in names if not n.startswith("gunicorn")]
    return names


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--servers", default=",".join(SERVERS), help="Comma-separated.")
    parser.add_argument("--repeat", type=int, default=3, help="Rounds per server.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Closed loop per path.")
    parser.add_argument("--clients", type=int, default=4, help="Closed-loop client processes.")
    parser.add_argument("--rate", type=float, default=200.0, help="Open-loop requests/s.")
    parser.add_argument("--rate-seconds", type=float, default=20.0)
    parser.add_argument("--rate-path", default="/api/scenarios")
    parser.add_argument("--wrk-connections", type=int, default=8)
    parser.add_argument("--no-wrk", action="store_true", help="Skip the wrk check.")
    parser.add_argument("--data", help="Scenario file to serve instead of the bundled ones.")
    args = parser.parse_args()
    args.servers = available_servers(args.servers.split(","))
    unknown = set(args.servers) - set(SERVERS)
    if unknown:
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    return args


def main() -> None:
    args = parse_args()
    use_wrk = not args.no_wrk and shutil.which("wrk") is not None
    if not use_wrk and not args.no_wrk:
        print("wrk not found: skipping the independent check (apt-get install wrk)")
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in args.servers}
    for number in range(1, args.repeat + 1):
        for name in args.servers:
            print(f"round {number}, {SERVER_LABELS[name]} (load {os.getloadavg()[0]:.2f}):")
            rounds[name].append(measure_server(name, args, use_wrk))
    medians = {name: median_figures(r) for name, r in rounds.items()}
    print(f"\nMedians of {args.repeat} rounds, requests/s (closed loop, {args.clients} clients):\n")
    print(throughput_table(medians, args, use_wrk))
    print(f"\nMedians of {args.repeat} rounds, {args.rate_path} at {args.rate:g} requests/s:\n")
    print(latency_table(medians))


if __name__ == "__main__":
    main()
