#!/usr/bin/env python3
"""Throughput of vigil-server against Debian's redis-server, side by side.

Starts both servers with identical settings on free loopback ports, then runs redis-benchmark
(-c 50 -n N -r 100000 --csv) at pipeline depths 1 and 16, alternating vigil, redis, vigil, redis
for every run, and reports the median requests/second of each and the vigil/redis ratio, first as
a plain table and then as Markdown for docs/performance.md. Rows redis-benchmark adds to
prepare a test (the LPUSH that fills the list for lrange_100) are run but not reported. `make
bench` runs it with the built server; bench/README.md describes the protocol.

    /usr/bin/python3 bench/throughput.py --vigil bin/vigil-server [--requests N] [--runs R]
        [--tests set,get,incr,lpush,...] [--threads T]
"""

import argparse
import csv
import datetime
import io
import os
import shlex
import sys

import benchlib
from benchlib import BenchError, log

PIPELINES = (1, 16)
CLIENTS = 50
KEYSPACE = 100000
DEFAULT_TESTS = "set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100"
# redis-benchmark names its preparation steps "LPUSH (needed to benchmark LRANGE)".
PREPARATION_MARK = "(needed to benchmark"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vigil", required=True, help="vigil-server binary to measure")
    p.add_argument("--redis", default=benchlib.REDIS_SERVER, help="reference redis-server")
    p.add_argument("--requests", type=int, default=500000, help="requests per test (-n)")
    p.add_argument("--tests", default=DEFAULT_TESTS, help="redis-benchmark -t list")
    p.add_argument("--runs", type=int, default=3, help="runs per server; the median is reported")
    p.add_argument("--threads", type=int, default=0,
                   help="redis-benchmark --threads (0: not passed, single-threaded client)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed for one redis-benchmark invocation")
    args = p.parse_args()
    if args.requests < 1 or args.runs < 1 or args.threads < 0:
        p.error("--requests and --runs must be positive, --threads not negative")
    benchlib.require_executables(p, (args.vigil, args.redis, benchlib.REDIS_BENCHMARK))
    return args


def benchmark_argv(args, port, pipeline):
    argv = [benchlib.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(port),
            "-c", str(CLIENTS), "-n", str(args.requests), "-r", str(KEYSPACE),
            "-t", args.tests, "-P", str(pipeline), "--csv"]
    if args.threads:
        argv += ["--threads", str(args.threads)]
    return argv


def parse_csv(text):
    """[(test name, rps)] in redis-benchmark's order, from its --csv output, without the
    preparation steps: their rate is not what the test measures."""
    rows = []
    for rec in csv.reader(io.StringIO(text)):
        if len(rec) < 2 or rec[0] == "test" or PREPARATION_MARK in rec[0]:
            continue
        try:
            rows.append((rec[0], float(rec[1])))
        except ValueError as e:
            raise BenchError("unexpected redis-benchmark line %r" % rec) from e
    return rows


def measure(server, argv, servers, timeout):
    """One redis-benchmark invocation against an emptied server."""
    reply = benchlib.resp_command(server.port, "FLUSHALL")
    if reply != "+OK":
        raise BenchError("%s: FLUSHALL answered %r" % (server.label, reply))
    rows = parse_csv(benchlib.run_watched(argv, servers, timeout))
    if not rows:
        raise BenchError("no results from: %s (unknown name in --tests?)" % shlex.join(argv))
    return rows


def print_preamble(args, servers):
    benchlib.print_command([sys.executable] + sys.argv)
    for s in servers:
        benchlib.print_command(s.argv)
    benchlib.print_machine()
    print("redis-server: %s" % benchlib.tool_version([args.redis, "--version"]))
    print("redis-benchmark: %s" % benchlib.tool_version([benchlib.REDIS_BENCHMARK, "--version"]))
    print("protocol: interleaved %s per run, %d runs, median rps; FLUSHALL before each invocation"
          % (" ".join(s.label for s in servers), args.runs))
    sys.stdout.flush()


def run_all(args, servers):
    """Returns {(test, pipeline): {label: [rps per run]}}, in first-seen order."""
    results = {}
    for run in range(args.runs):
        for pipeline in PIPELINES:
            for s in servers:
                argv = benchmark_argv(args, s.port, pipeline)
                if run == 0:
                    benchlib.print_command(argv)
                rows = measure(s, argv, servers, args.timeout)
                for test, rps in rows:
                    results.setdefault((test, pipeline), {}).setdefault(s.label, []).append(rps)
                log("run %d/%d -P %d %s: %s" % (run + 1, args.runs, pipeline, s.label,
                                                ", ".join("%s %.0f" % r for r in rows)))
    return results


def table_rows(results, runs):
    rows = []
    for (test, pipeline), by_label in results.items():
        if len(by_label.get("vigil", [])) != runs or len(by_label.get("redis", [])) != runs:
            raise BenchError("%s -P %d was not measured %d times on both servers"
                             % (test, pipeline, runs))
        v = benchlib.median(by_label["vigil"])
        r = benchlib.median(by_label["redis"])
        rows.append([test, pipeline, "%.0f" % v, "%.0f" % r, benchlib.ratio(v, r)])
    rows.sort(key=lambda row: row[1])
    return rows


def print_tables(args, rows):
    header = ["test", "pipeline", "vigil rps", "redis rps", "ratio"]
    print()
    print(benchlib.format_text_table(header, rows))
    print()
    print("Markdown:")
    print()
    print("%s, `-c %d -n %d -r %d`, median of %d interleaved runs, %d cores shared by client "
          "and server, load average %.2f at the end:"
          % (datetime.date.today().isoformat(), CLIENTS, args.requests, KEYSPACE, args.runs,
             os.cpu_count(), os.getloadavg()[0]))
    print()
    print(benchlib.format_markdown_table(header, rows))


def main():
    args = parse_args()
    benchlib.install_signal_handlers()
    servers = [benchlib.Server("vigil", args.vigil), benchlib.Server("redis", args.redis)]
    try:
        for s in servers:
            s.start()
        print_preamble(args, servers)
        rows = table_rows(run_all(args, servers), args.runs)
        print_tables(args, rows)
        return 0
    except BenchError as e:
        print("throughput: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("throughput: interrupted", file=sys.stderr)
        return 130
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    sys.exit(main())
