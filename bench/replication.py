#!/usr/bin/env python3
"""Replication benchmarks of vigil-server against Debian's redis-server, side by side.

1. Full-sync time: a primary holding the standard dataset (1M strings, 100k hashes of 10
   fields, 10k sorted sets of 50 members, scaled by --scale) loaded with `redis-cli --pipe`,
   and an empty replica of the same implementation; the time from REPLICAOF until the replica
   reports master_link_status:up (diskless sync, no delay).
2. Write throughput with two replicas attached: redis-benchmark against the primary while two
   replicas of the same implementation follow it.

Implementations alternate vigil, redis, vigil, redis for every run; medians and the
vigil/redis ratio are printed as a table and as Markdown for docs/performance.md.

    /usr/bin/python3 bench/replication.py --vigil bin/vigil-server [--scale 1.0] [--runs 3]
        [--requests N]
"""

import argparse
import datetime
import os
import shlex
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import BenchError, log

SYNC_ARGS = ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]
WRITE_TESTS = "set,incr,lpush,sadd,hset,zadd"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--vigil", required=True)
    p.add_argument("--redis", default=benchlib.REDIS_SERVER)
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the standard dataset")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--timeout", type=float, default=600.0)
    args = p.parse_args()
    if args.runs < 1 or args.requests < 1 or args.scale <= 0:
        p.error("--runs, --requests and --scale must be positive")
    return args


def dataset_file(scale):
    """The standard dataset as RESP commands in a temporary file."""
    f = tempfile.NamedTemporaryFile(prefix="vigil-bench-data-", delete=False)

    def cmd(*args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        return out
    with f:
        for i in range(int(1000000 * scale)):
            f.write(cmd("SET", "key:%d" % i, "value:%d" % i))
        for i in range(int(100000 * scale)):
            fields = []
            for j in range(10):
                fields += ["field:%d" % j, "value:%d:%d" % (i, j)]
            f.write(cmd("HSET", "hash:%d" % i, *fields))
        for i in range(int(10000 * scale)):
            members = []
            for j in range(50):
                members += [j * 1.5, "member:%d" % j]
            f.write(cmd("ZADD", "zset:%d" % i, *members))
    return f.name


def load(server, path, timeout):
    with open(path, "rb") as data:
        proc = subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], stdin=data,
                              capture_output=True, timeout=timeout)
    if proc.returncode != 0 or b"errors: 0" not in proc.stdout:
        raise BenchError("%s: loading failed: %s" % (server.label, proc.stdout[-300:]))


def link_up(server):
    out = subprocess.run(["redis-cli", "-p", str(server.port), "INFO", "replication"],
                         capture_output=True, text=True, timeout=10).stdout
    return "master_link_status:up" in out


def wait_link(replica, deadline):
    while not link_up(replica):
        if time.monotonic() > deadline:
            raise BenchError("%s: no link after the deadline\n%s"
                             % (replica.label, replica.log_tail()))
        if not replica.alive():
            raise BenchError("%s died\n%s" % (replica.label, replica.log_tail()))
        time.sleep(0.005)


def sync_time(label, binary, data, timeout):
    primary = benchlib.Server(label, binary, SYNC_ARGS)
    replica = benchlib.Server(label, binary, SYNC_ARGS)
    try:
        primary.start()
        replica.start()
        load(primary, data, timeout)
        start = time.monotonic()
        reply = benchlib.resp_command(replica.port, "REPLICAOF", "127.0.0.1", str(primary.port))
        if not reply.startswith("+OK"):
            raise BenchError("%s: REPLICAOF answered %r" % (label, reply))
        wait_link(replica, start + timeout)
        return time.monotonic() - start
    finally:
        replica.stop()
        primary.stop()


def write_throughput(label, binary, args, pipeline):
    primary = benchlib.Server(label, binary, SYNC_ARGS)
    replicas = [benchlib.Server(label, binary, SYNC_ARGS) for _ in range(2)]
    servers = [primary] + replicas
    try:
        for s in servers:
            s.start()
        for r in replicas:
            benchlib.resp_command(r.port, "REPLICAOF", "127.0.0.1", str(primary.port))
            wait_link(r, time.monotonic() + args.timeout)
        argv = [benchlib.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(primary.port), "-c",
                "50", "-n", str(args.requests), "-r", "100000", "-t", WRITE_TESTS, "-P",
                str(pipeline), "--csv"]
        out = benchlib.run_watched(argv, servers, args.timeout)
        rates = []
        for line in out.splitlines():
            cells = [c.strip('"') for c in line.split(",")]
            if len(cells) > 1 and cells[0] != "test":
                rates.append(float(cells[1]))
        if not rates:
            raise BenchError("no results from: %s" % shlex.join(argv))
        return sum(rates) / len(rates)
    finally:
        for s in servers:
            s.stop()


def main():
    args = parse_args()
    benchlib.install_signal_handlers()
    impls = [("vigil", args.vigil), ("redis", args.redis)]
    print("$ " + shlex.join([sys.executable] + sys.argv))
    print("machine: %d cores, load average %.2f at start" % (os.cpu_count(),
                                                              os.getloadavg()[0]))
    print("servers: --save '' --appendonly no %s" % " ".join(SYNC_ARGS))
    data = dataset_file(args.scale)
    results = {}
    try:
        for run in range(args.runs):
            for label, binary in impls:
                t = sync_time(label, binary, data, args.timeout)
                results.setdefault("full sync (s)", {}).setdefault(label, []).append(t)
                log("run %d %s: full sync %.3fs" % (run + 1, label, t))
                for pipeline in (1, 16):
                    rps = write_throughput(label, binary, args, pipeline)
                    key = "writes, 2 replicas, -P %d (rps)" % pipeline
                    results.setdefault(key, {}).setdefault(label, []).append(rps)
                    log("run %d %s: -P %d %.0f rps" % (run + 1, label, pipeline, rps))
    finally:
        os.unlink(data)
    rows = []
    for name, by in results.items():
        v, r = benchlib.median(by["vigil"]), benchlib.median(by["redis"])
        fmt = "%.3f" if "sync" in name else "%.0f"
        rows.append([name, fmt % v, fmt % r, "%.2f" % (v / r)])
    header = ["measure", "vigil", "redis", "ratio"]
    print()
    print(benchlib.format_text_table(header, rows))
    print()
    print("%s, dataset scale %.2f, median of %d interleaved runs:"
          % (datetime.date.today().isoformat(), args.scale, args.runs))
    print()
    print(benchlib.format_markdown_table(header, rows))


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        print("error: %s" % e, file=sys.stderr)
        sys.exit(1)
