#!/usr/bin/env python3
"""Persistence of vigil-server against Debian's redis-server, side by side.

Two parts, each interleaved vigil, redis, vigil, redis... with medians over the runs:

- rdb: a fresh server (no RDB save points, no AOF) loads the standard dataset of dataset.py
  through `redis-cli --pipe`; then the time SAVE takes, the size of the dump, and the time a
  server restarted in the same directory takes from exec to answering PING (loading the dump),
  after which it must hold every key again.
- aof: write throughput with `appendonly yes appendfsync everysec`, redis-benchmark's write
  tests at -P 1 and -P 16, as in throughput.py.

A server without the feature makes the script stop with a message saying so (SAVE unknown, no
dump written, nothing appended): no figure is ever reported for something that did not happen.

    /usr/bin/python3 bench/persistence.py --vigil bin/vigil-server [--parts rdb,aof]
        [--scale 0.1] [--requests N] [--runs 3]
"""

import argparse
import os
import shlex
import sys
import time

import benchlib
import dataset
import throughput
from benchlib import BenchError, log

PARTS = ("rdb", "aof")
AOF_SETTINGS = {"appendonly": "yes", "appendfsync": "everysec"}
WRITE_TESTS = "set,incr,lpush,sadd,hset,zadd"
# A write reaches the append-only file before the client gets its reply; the deadline only
# bounds a server that never writes one.
AOF_PROBE_TIMEOUT = 2.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vigil", required=True, help="vigil-server binary to measure")
    p.add_argument("--redis", default=benchlib.REDIS_SERVER, help="reference redis-server")
    p.add_argument("--parts", default=",".join(PARTS), help="rdb, aof or both")
    p.add_argument("--scale", type=float, default=1.0, help="dataset size factor (rdb part)")
    p.add_argument("--requests", type=int, default=500000, help="requests per test (aof part)")
    p.add_argument("--tests", default=WRITE_TESTS, help="redis-benchmark -t list (aof part)")
    p.add_argument("--runs", type=int, default=3, help="runs per server; the median is reported")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed for one load, SAVE or redis-benchmark invocation")
    args = p.parse_args()
    args.threads = 0
    args.parts = benchlib.parse_parts(p, args.parts, PARTS)
    if args.runs < 1 or args.scale <= 0 or args.requests < 1:
        p.error("--runs, --scale and --requests must be positive")
    benchlib.require_executables(p, (args.vigil, args.redis, benchlib.REDIS_CLI, benchlib.REDIS_BENCHMARK))
    return args


def dump_path(server):
    return os.path.join(server.dir, "dump.rdb")


def save(server, timeout):
    """Runs SAVE; returns its duration. Fails clearly when the server has no SAVE."""
    started = time.monotonic()
    try:
        with benchlib.Client(server.port, timeout) as c:
            reply = c.call("SAVE")
    except benchlib.ReplyError as e:
        raise BenchError("%s: SAVE failed (%s): the rdb part needs RDB persistence"
                         % (server.label, e)) from e
    elapsed = time.monotonic() - started
    if reply != "OK":
        raise BenchError("%s: SAVE answered %r" % (server.label, reply))
    if not os.path.isfile(dump_path(server)):
        raise BenchError("%s: SAVE answered OK but wrote no %s" % (server.label,
                                                                    dump_path(server)))
    return elapsed


def rdb_once(server, data, timeout, first):
    """Load, SAVE, restart in place; returns {save_s, dump_bytes, start_s}."""
    try:
        server.start()
        if first:
            benchlib.print_command(server.argv)
            print("$ %s < %s" % (shlex.join(dataset.load_argv(server.port)), data.path))
            print("$ redis-cli -p %d SAVE; then the same server command line again" % server.port,
                  flush=True)
        dataset.load(data, server, [server], timeout)
        save_s = save(server, timeout)
        dump_bytes = os.path.getsize(dump_path(server))
        # No save points are configured, so stopping does not rewrite the dump measured above.
        server.stop(keep_dir=True)
        started = time.monotonic()
        server.start(timeout=timeout)
        start_s = time.monotonic() - started
        keys = benchlib.call(server.port, "DBSIZE")
        if keys != data.keys():
            raise BenchError("%s restarted with %r keys instead of %d: the dump was not loaded"
                             % (server.label, keys, data.keys()))
    finally:
        server.stop()
    return {"save_s": save_s, "dump_bytes": dump_bytes, "start_s": start_s}


def rdb_part(args, servers):
    data = dataset.Dataset(args.scale)
    print("rdb part, dataset: %s" % data.describe(), flush=True)
    try:
        data.write()
        results = {s.label: {} for s in servers}
        for run in range(args.runs):
            for s in servers:
                figures = rdb_once(s, data, args.timeout, run == 0)
                for name, value in figures.items():
                    results[s.label].setdefault(name, []).append(value)
                log("rdb run %d/%d %s: SAVE %.2fs, dump %d bytes, start %.2fs"
                    % (run + 1, args.runs, s.label, figures["save_s"], figures["dump_bytes"],
                       figures["start_s"]))
    finally:
        data.remove()
    rows = []
    for name, label, fmt in (("save_s", "SAVE time", "%.2f s"),
                             ("dump_bytes", "dump size", "%.0f"),
                             ("start_s", "start time, loading the dump", "%.2f s")):
        v = benchlib.median(results["vigil"][name])
        r = benchlib.median(results["redis"][name])
        rows.append([label, fmt % v, fmt % r, benchlib.ratio(v, r)])
    caption = "rdb: dataset %s, median of %d interleaved runs" % (data.describe(), args.runs)
    return caption, ["figure", "vigil", "redis", "ratio"], rows


def appended_bytes(server):
    """Bytes in the server's directory other than its log: the append-only file(s)."""
    total = 0
    for root, _dirs, files in os.walk(server.dir):
        for name in files:
            path = os.path.join(root, name)
            if path != os.path.join(server.dir, "server.log"):
                total += os.path.getsize(path)
    return total


def check_appending(server):
    """Fails clearly unless a write makes the server's append-only file grow."""
    before = appended_bytes(server)
    benchlib.call(server.port, "SET", "bench:aof-probe", "1")
    try:
        benchlib.wait_until(lambda: appended_bytes(server) > before, AOF_PROBE_TIMEOUT,
                            "the append-only file to grow")
    except BenchError as e:
        raise BenchError("%s: a write with appendonly yes appended nothing to %s: the aof part "
                         "needs AOF persistence" % (server.label, server.dir)) from e


def aof_part(args, servers):
    for s in servers:
        s.start()
        benchlib.print_command(s.argv)
        check_appending(s)
    results = {}
    for run in range(args.runs):
        for pipeline in throughput.PIPELINES:
            for s in servers:
                argv = throughput.benchmark_argv(args, s.port, pipeline)
                if run == 0:
                    benchlib.print_command(argv)
                for test, rps in throughput.measure(s, argv, servers, args.timeout):
                    results.setdefault((test, pipeline), {}).setdefault(s.label, []).append(rps)
                check_appending(s)
            log("aof run %d/%d -P %d done" % (run + 1, args.runs, pipeline))
    caption = ("aof: `appendonly yes appendfsync everysec`, `-c %d -n %d -r %d`, median of %d "
               "interleaved runs" % (throughput.CLIENTS, args.requests, throughput.KEYSPACE,
                                     args.runs))
    header = ["test", "pipeline", "vigil rps", "redis rps", "ratio"]
    return caption, header, throughput.table_rows(results, args.runs)


def main():
    args = parse_args()
    benchlib.install_signal_handlers()
    rdb_servers = [benchlib.Server("vigil", args.vigil), benchlib.Server("redis", args.redis)]
    aof_servers = [benchlib.Server("vigil", args.vigil, AOF_SETTINGS),
                   benchlib.Server("redis", args.redis, AOF_SETTINGS)]
    try:
        benchlib.print_command([sys.executable] + sys.argv)
        benchlib.print_machine()
        print("redis-server: %s" % benchlib.tool_version([args.redis, "--version"]), flush=True)
        tables = []
        if "rdb" in args.parts:
            tables.append(rdb_part(args, rdb_servers))
        if "aof" in args.parts:
            tables.append(aof_part(args, aof_servers))
        benchlib.print_tables(tables)
        return 0
    except BenchError as e:
        print("persistence: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("persistence: interrupted", file=sys.stderr)
        return 130
    finally:
        for s in rdb_servers + aof_servers:
            s.stop()


if __name__ == "__main__":
    sys.exit(main())
