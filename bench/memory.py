#!/usr/bin/env python3
"""Memory of vigil-server against Debian's redis-server after loading the standard dataset.

For every run, a fresh vigil-server and then a fresh redis-server (same settings: no RDB, no
AOF) each load the dataset of dataset.py through `redis-cli --pipe`; then the script reads
used_memory and used_memory_rss from INFO memory, and the RSS from /proc as a check on the
second. It reports the medians over the runs, the vigil/redis ratios (below 1.0 Vigil uses
less; the target is at most 1.10) and the load times, as a plain table and as Markdown.

    /usr/bin/python3 bench/memory.py --vigil bin/vigil-server [--scale 0.1] [--runs 3]
"""

import argparse
import datetime
import os
import shlex
import sys

import benchlib
import dataset
from benchlib import BenchError, log

TARGET_RATIO = 1.10
# INFO's used_memory_rss may be sampled by a timer (Redis: every 100 ms); it is read again
# until it agrees with /proc within this fraction, so a stale sample is not reported.
RSS_AGREEMENT = 0.02
RSS_SETTLE_TIMEOUT = 5.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vigil", required=True, help="vigil-server binary to measure")
    p.add_argument("--redis", default=benchlib.REDIS_SERVER, help="reference redis-server")
    p.add_argument("--scale", type=float, default=1.0,
                   help="dataset size factor (1.0: 1M strings, 100k hashes, 10k zsets)")
    p.add_argument("--runs", type=int, default=3, help="runs per server; the median is reported")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed for one load")
    args = p.parse_args()
    if args.runs < 1 or args.scale <= 0:
        p.error("--runs and --scale must be positive")
    benchlib.require_executables(p, (args.vigil, args.redis, benchlib.REDIS_CLI))
    return args


def settled_memory(server):
    """(used_memory, used_memory_rss, /proc RSS) once INFO's RSS agrees with /proc."""
    def read():
        fields = benchlib.info(server.port, "memory")
        rss = server.rss_bytes()
        info_rss = int(fields["used_memory_rss"])
        if abs(info_rss - rss) <= RSS_AGREEMENT * rss:
            return int(fields["used_memory"]), info_rss, rss
        return None
    return benchlib.wait_until(read, RSS_SETTLE_TIMEOUT,
                               "%s: INFO used_memory_rss to agree with /proc" % server.label,
                               interval=0.05)


def measure(server, data, timeout, first):
    """One fresh server: start, load, read memory, stop. Returns a dict of figures."""
    try:
        server.start()
        if first:
            benchlib.print_command(server.argv)
            print("$ %s < %s" % (shlex.join(dataset.load_argv(server.port)), data.path),
                  flush=True)
        seconds = dataset.load(data, server, [server], timeout)
        used, info_rss, proc_rss = settled_memory(server)
    finally:
        server.stop()
    return {"used_memory": used, "used_memory_rss": info_rss, "proc_rss": proc_rss,
            "load_s": seconds}


def run_all(args, servers, data):
    """Returns {label: {figure: [value per run]}}."""
    results = {s.label: {} for s in servers}
    for run in range(args.runs):
        for s in servers:
            figures = measure(s, data, args.timeout, run == 0)
            for name, value in figures.items():
                results[s.label].setdefault(name, []).append(value)
            log("run %d/%d %s: used_memory %d, used_memory_rss %d, /proc rss %d, load %.2fs"
                % (run + 1, args.runs, s.label, figures["used_memory"],
                   figures["used_memory_rss"], figures["proc_rss"], figures["load_s"]))
    return results


def mb(value):
    return "%.1f MB" % (value / 1e6)


ROWS = (("used_memory", "used_memory (INFO)", mb),
        ("used_memory_rss", "used_memory_rss (INFO)", mb),
        ("proc_rss", "RSS (/proc)", mb),
        ("load_s", "load time", lambda v: "%.2f s" % v))


def table_rows(results):
    rows = []
    for name, label, fmt in ROWS:
        v = benchlib.median(results["vigil"][name])
        r = benchlib.median(results["redis"][name])
        rows.append([label, fmt(v), fmt(r), benchlib.ratio(v, r)])
    return rows


def print_tables(args, data, rows):
    header = ["figure", "vigil", "redis", "ratio"]
    print()
    print(benchlib.format_text_table(header, rows))
    over = [r[0] for r in rows[:3] if float(r[3]) > TARGET_RATIO]
    print()
    print("target: memory ratios <= %.2f; %s" % (
        TARGET_RATIO, "met" if not over else "NOT met for " + ", ".join(over)))
    print()
    print("Markdown:")
    print()
    print("%s, dataset: %s; loaded with `redis-cli --pipe` into a fresh server each run, median "
          "of %d interleaved runs, %d cores, load average %.2f at the end:"
          % (datetime.date.today().isoformat(), data.describe(), args.runs, os.cpu_count(),
             os.getloadavg()[0]))
    print()
    print(benchlib.format_markdown_table(header, rows))


def main():
    args = parse_args()
    benchlib.install_signal_handlers()
    servers = [benchlib.Server("vigil", args.vigil), benchlib.Server("redis", args.redis)]
    data = dataset.Dataset(args.scale)
    try:
        benchlib.print_command([sys.executable] + sys.argv)
        benchlib.print_machine()
        print("redis-server: %s" % benchlib.tool_version([args.redis, "--version"]))
        print("dataset: %s" % data.describe())
        print("protocol: fresh server per measurement, interleaved vigil redis, %d runs, medians"
              % args.runs, flush=True)
        data.write()
        rows = table_rows(run_all(args, servers, data))
        print_tables(args, data, rows)
        return 0
    except BenchError as e:
        print("memory: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("memory: interrupted", file=sys.stderr)
        return 130
    finally:
        for s in servers:
            s.stop()
        data.remove()


if __name__ == "__main__":
    sys.exit(main())
