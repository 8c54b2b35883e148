#!/usr/bin/env python3
"""Replication of vigil-server against Debian's redis-server, side by side.

Both ends of every link are the same implementation (vigil replicates from vigil, redis from
redis), with the same settings: no RDB save points, no AOF, `repl-diskless-sync-delay 0` (the
default 5 s wait for more replicas would otherwise dominate the figure). Two parts, each
interleaved vigil, redis, vigil, redis... with medians over the runs:

- sync: a fresh primary loads the standard dataset of dataset.py through `redis-cli --pipe`; a
  fresh empty replica gets REPLICAOF and the clock runs until its INFO says
  `master_link_status:up`, after which it must hold every key. Then the primary drops the link
  (CLIENT KILL TYPE replica) and the script counts the full syncs the reconnection took: with
  the backlog covering the gap there must be none (sync_full does not move).
- throughput: redis-benchmark's write tests at -P 1 and -P 16 against a primary with two
  replicas attached, as in throughput.py; the replicas must still be linked afterwards.

A server without replication makes the script stop with a message saying so (REPLICAOF
unknown, link never up, keys missing): no figure is reported for something that did not happen.

    /usr/bin/python3 bench/replication.py --vigil bin/vigil-server [--parts sync,throughput]
        [--scale 0.1] [--requests N] [--runs 3]
"""

import argparse
import shlex
import sys
import time

import benchlib
import dataset
import throughput
from benchlib import BenchError, log

PARTS = ("sync", "throughput")
SETTINGS = {"repl-diskless-sync-delay": "0"}
WRITE_TESTS = "set,incr,lpush,sadd,hset,zadd"
REPLICAS = 2
RELINK_TIMEOUT = 30.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vigil", required=True, help="vigil-server binary to measure")
    p.add_argument("--redis", default=benchlib.REDIS_SERVER, help="reference redis-server")
    p.add_argument("--parts", default=",".join(PARTS), help="sync, throughput or both")
    p.add_argument("--scale", type=float, default=1.0, help="dataset size factor (sync part)")
    p.add_argument("--requests", type=int, default=500000,
                   help="requests per test (throughput part)")
    p.add_argument("--tests", default=WRITE_TESTS,
                   help="redis-benchmark -t list (throughput part)")
    p.add_argument("--runs", type=int, default=3, help="runs per server; the median is reported")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed for one load, sync or redis-benchmark invocation")
    args = p.parse_args()
    args.threads = 0
    args.parts = benchlib.parse_parts(p, args.parts, PARTS)
    if args.runs < 1 or args.scale <= 0 or args.requests < 1:
        p.error("--runs, --scale and --requests must be positive")
    benchlib.require_executables(p, (args.vigil, args.redis, benchlib.REDIS_CLI, benchlib.REDIS_BENCHMARK))
    return args


def replicaof(replica, primary):
    """Sends REPLICAOF; fails clearly when the server has no replication."""
    try:
        reply = benchlib.call(replica.port, "REPLICAOF", "127.0.0.1", str(primary.port))
    except benchlib.ReplyError as e:
        raise BenchError("%s: REPLICAOF failed (%s): this benchmark needs replication"
                         % (replica.label, e)) from e
    if reply != "OK":
        raise BenchError("%s: REPLICAOF answered %r" % (replica.label, reply))


def link_up(replica):
    return benchlib.info(replica.port, "replication").get("master_link_status") == "up"


def wait_link(replica, timeout):
    try:
        benchlib.wait_until(lambda: link_up(replica), timeout, "master_link_status:up")
    except BenchError as e:
        raise BenchError("%s: %s\n%s" % (replica.label, e, replica.log_tail())) from e


def sync_counts(primary):
    stats = benchlib.info(primary.port, "stats")
    return int(stats.get("sync_full", -1)), int(stats.get("sync_partial_ok", -1))


def relink_full_syncs(primary, replica):
    """Drops the link from the primary's side; returns the full syncs the reconnection took."""
    full, partial = sync_counts(primary)
    killed = benchlib.call(primary.port, "CLIENT", "KILL", "TYPE", "replica")
    if killed != 1:
        raise BenchError("%s: CLIENT KILL TYPE replica closed %r links, expected 1"
                         % (primary.label, killed))

    def resynced():
        now_full, now_partial = sync_counts(primary)
        return (now_full, now_partial) if now_full > full or now_partial > partial else None

    now_full, _ = benchlib.wait_until(resynced, RELINK_TIMEOUT,
                                      "%s: the replica to sync again" % primary.label)
    wait_link(replica, RELINK_TIMEOUT)
    return now_full - full


def sync_once(label, binary, data, timeout, first):
    """Returns {sync_s, relink_full_syncs} for one fresh primary and replica."""
    primary = benchlib.Server(label, binary, SETTINGS)
    replica = benchlib.Server(label + "-replica", binary, SETTINGS)
    try:
        primary.start()
        replica.start()
        if first:
            benchlib.print_command(primary.argv)
            benchlib.print_command(replica.argv)
            print("$ %s < %s" % (shlex.join(dataset.load_argv(primary.port)), data.path))
            print("$ redis-cli -p %d REPLICAOF 127.0.0.1 %d" % (replica.port, primary.port),
                  flush=True)
        dataset.load(data, primary, [primary, replica], timeout)
        started = time.monotonic()
        replicaof(replica, primary)
        wait_link(replica, timeout)
        sync_s = time.monotonic() - started
        keys = benchlib.call(replica.port, "DBSIZE")
        if keys != data.keys():
            raise BenchError("%s holds %r keys after the sync, expected %d"
                             % (replica.label, keys, data.keys()))
        full_syncs = relink_full_syncs(primary, replica)
    finally:
        replica.stop()
        primary.stop()
    return {"sync_s": sync_s, "relink_full_syncs": full_syncs}


def sync_part(args):
    data = dataset.Dataset(args.scale)
    print("sync part, dataset: %s" % data.describe(), flush=True)
    binaries = {"vigil": args.vigil, "redis": args.redis}
    results = {label: {} for label in binaries}
    try:
        data.write()
        for run in range(args.runs):
            for label, binary in binaries.items():
                figures = sync_once(label, binary, data, args.timeout, run == 0)
                for name, value in figures.items():
                    results[label].setdefault(name, []).append(value)
                log("sync run %d/%d %s: link up after %.2fs, %d full syncs after the link drop"
                    % (run + 1, args.runs, label, figures["sync_s"],
                       figures["relink_full_syncs"]))
    finally:
        data.remove()
    v = benchlib.median(results["vigil"]["sync_s"])
    r = benchlib.median(results["redis"]["sync_s"])
    rows = [["REPLICAOF to master_link_status:up", "%.2f s" % v, "%.2f s" % r,
             benchlib.ratio(v, r)],
            ["full syncs after a link drop (all runs; must be 0)",
             str(sum(results["vigil"]["relink_full_syncs"])),
             str(sum(results["redis"]["relink_full_syncs"])), ""]]
    caption = "sync: dataset %s, median of %d interleaved runs" % (data.describe(), args.runs)
    return caption, ["figure", "vigil", "redis", "ratio"], rows


def start_group(label, binary):
    """A primary and REPLICAS linked replicas; returns [primary] + replicas."""
    group = [benchlib.Server(label, binary, SETTINGS)]
    group += [benchlib.Server("%s-replica%d" % (label, i + 1), binary, SETTINGS)
              for i in range(REPLICAS)]
    return group


def throughput_part(args, servers):
    """servers collects everything started, for main to stop."""
    primaries, replicas = [], []
    for label, binary in (("vigil", args.vigil), ("redis", args.redis)):
        group = start_group(label, binary)
        servers.extend(group)
        for s in group:
            s.start()
            benchlib.print_command(s.argv)
        for replica in group[1:]:
            replicaof(replica, group[0])
            wait_link(replica, args.timeout)
        primaries.append(group[0])
        replicas.extend(group[1:])
    results = {}
    for run in range(args.runs):
        for pipeline in throughput.PIPELINES:
            for p in primaries:
                argv = throughput.benchmark_argv(args, p.port, pipeline)
                if run == 0:
                    benchlib.print_command(argv)
                for test, rps in throughput.measure(p, argv, servers, args.timeout):
                    results.setdefault((test, pipeline), {}).setdefault(p.label, []).append(rps)
            for replica in replicas:
                if not link_up(replica):
                    raise BenchError("%s lost its link during the run:\n%s"
                                     % (replica.label, replica.log_tail()))
            log("throughput run %d/%d -P %d done" % (run + 1, args.runs, pipeline))
    caption = ("throughput with %d replicas attached, `-c %d -n %d -r %d`, median of %d "
               "interleaved runs" % (REPLICAS, throughput.CLIENTS, args.requests,
                                     throughput.KEYSPACE, args.runs))
    header = ["test", "pipeline", "vigil rps", "redis rps", "ratio"]
    return caption, header, throughput.table_rows(results, args.runs)


def main():
    args = parse_args()
    benchlib.install_signal_handlers()
    servers = []
    try:
        benchlib.print_command([sys.executable] + sys.argv)
        benchlib.print_machine()
        print("redis-server: %s" % benchlib.tool_version([args.redis, "--version"]), flush=True)
        tables = []
        if "sync" in args.parts:
            tables.append(sync_part(args))
        if "throughput" in args.parts:
            tables.append(throughput_part(args, servers))
        benchlib.print_tables(tables)
        return 0
    except BenchError as e:
        print("replication: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("replication: interrupted", file=sys.stderr)
        return 130
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    sys.exit(main())
