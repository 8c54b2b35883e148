#!/usr/bin/env python3
"""Failover time of vigil-sentinel against Debian's redis-sentinel, side by side.

Each round builds a fresh group on free loopback ports: a Debian redis-server primary, two
replicas and three sentinels, all three of one implementation, monitoring with quorum 2,
`down-after-milliseconds 1000`, Redis's default `failover-timeout 180000` and
`parallel-syncs 1` (written out, so both implementations get the same values). Once every
sentinel sees both replicas and the two other sentinels, the primary gets SIGKILL and the
clock runs until every sentinel answers the new address to SENTINEL get-master-addr-by-name
and the new primary accepts a write. Rounds alternate vigil, redis, vigil, redis...; the
report has the medians and the vigil/redis ratio (below 1.0 Vigil fails over faster).

    /usr/bin/python3 bench/failover.py --sentinel bin/vigil-sentinel [--rounds 5]
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import BenchError, log

MASTER_NAME = "mymaster"
REPLICAS = 2
SENTINELS = 3
QUORUM = 2
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 180000
PARALLEL_SYNCS = 1
SETUP_TIMEOUT = 30.0
POLL_INTERVAL = 0.01


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sentinel", required=True, help="vigil-sentinel binary to measure")
    p.add_argument("--redis-sentinel", default=benchlib.REDIS_SENTINEL,
                   help="reference redis-sentinel")
    p.add_argument("--redis-server", default=benchlib.REDIS_SERVER,
                   help="redis-server for the primary and the replicas (both rounds)")
    p.add_argument("--rounds", type=int, default=5,
                   help="rounds per implementation; the median is reported")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds allowed for one failover")
    args = p.parse_args()
    if args.rounds < 1:
        p.error("--rounds must be positive")
    benchlib.require_executables(p, (args.sentinel, args.redis_sentinel, args.redis_server))
    return args


class Node:
    """One redis-server or sentinel process, started from a config file in the group dir."""

    def __init__(self, name, binary, directory, config_lines):
        self.name = name
        self.port = benchlib.free_port()
        self.log = os.path.join(directory, "%s-%d.log" % (name, self.port))
        self.conf = os.path.join(directory, "%s-%d.conf" % (name, self.port))
        lines = ["port %d" % self.port, "bind 127.0.0.1", "dir %s" % directory,
                 "logfile %s" % self.log] + config_lines
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.argv = [binary, self.conf]
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        benchlib.wait_until(self._answers, benchlib.Server.START_TIMEOUT,
                            "%s to answer PING" % self.name)

    def _answers(self):
        if self.proc.poll() is not None:
            raise BenchError("%s exited at start:\n%s" % (self.name, self.log_tail()))
        return benchlib.call(self.port, "PING", timeout=1.0) == "PONG"

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(benchlib.Server.STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines=15):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"


class Group:
    """A primary, its replicas and the sentinels of one implementation, in one temp dir."""

    def __init__(self, kind, sentinel_binary, server_binary):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="vigil-bench-failover-%s-" % kind)
        # A quick full sync makes setup fast; failover itself resumes replication partially.
        data_conf = ["save \"\"", "appendonly no", "repl-diskless-sync-delay 0"]
        self.primary = Node("primary", server_binary, self.dir, data_conf)
        self.replicas = [Node("replica", server_binary, self.dir,
                              data_conf + ["replicaof 127.0.0.1 %d" % self.primary.port])
                         for _ in range(REPLICAS)]
        self.monitor = [
            "sentinel monitor %s 127.0.0.1 %d %d" % (MASTER_NAME, self.primary.port, QUORUM),
            "sentinel down-after-milliseconds %s %d" % (MASTER_NAME, DOWN_AFTER_MS),
            "sentinel failover-timeout %s %d" % (MASTER_NAME, FAILOVER_TIMEOUT_MS),
            "sentinel parallel-syncs %s %d" % (MASTER_NAME, PARALLEL_SYNCS)]
        self.sentinels = [Node("%s-sentinel" % kind, sentinel_binary, self.dir, self.monitor)
                          for _ in range(SENTINELS)]

    def nodes(self):
        return [self.primary] + self.replicas + self.sentinels

    def start(self):
        for n in [self.primary] + self.replicas:
            n.start()
        benchlib.wait_until(self._replicas_linked, SETUP_TIMEOUT, "the replicas to sync")
        for n in self.sentinels:
            n.start()
        benchlib.wait_until(self._discovered, SETUP_TIMEOUT,
                            "every %s sentinel to see the replicas and the other sentinels"
                            % self.kind)

    def _replicas_linked(self):
        return all(benchlib.info(r.port, "replication").get("master_link_status") == "up"
                   for r in self.replicas)

    def _discovered(self):
        for s in self.sentinels:
            flat = benchlib.call(s.port, "SENTINEL", "MASTER", MASTER_NAME)
            fields = dict(zip(flat[0::2], flat[1::2]))
            if (int(fields["num-slaves"]) != REPLICAS
                    or int(fields["num-other-sentinels"]) != SENTINELS - 1):
                return False
        return True

    def agreed_address(self):
        """The port every sentinel gives for the primary, or None while they differ."""
        ports = set()
        for s in self.sentinels:
            reply = benchlib.call(s.port, "SENTINEL", "get-master-addr-by-name", MASTER_NAME,
                                  timeout=1.0)
            ports.add(int(reply[1]) if reply else None)
        return ports.pop() if len(ports) == 1 else None

    def logs(self):
        return "\n".join("==== %s:%d\n%s" % (n.name, n.port, n.log_tail()) for n in self.nodes())

    def cleanup(self):
        for n in self.nodes():
            n.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def failover_once(group, timeout):
    """SIGKILLs the primary; returns (seconds until all sentinels agree on the new address,
    seconds until the new primary also took a write)."""
    old = group.primary.port
    replica_ports = {r.port for r in group.replicas}
    started = time.monotonic()
    group.primary.kill9()

    def moved():
        port = group.agreed_address()
        return port if port is not None and port != old else None

    try:
        new = benchlib.wait_until(moved, timeout, "all sentinels to give a new address",
                                  POLL_INTERVAL)
        agreed = time.monotonic() - started
        if new not in replica_ports:
            raise BenchError("sentinels agreed on port %d, which is not a replica" % new)
        benchlib.wait_until(lambda: benchlib.call(new, "SET", "bench:failover", "1",
                                                  timeout=1.0) == "OK",
                            timeout, "the new primary to accept a write", POLL_INTERVAL)
    except BenchError as e:
        raise BenchError("%s round: %s\n%s" % (group.kind, e, group.logs())) from e
    return agreed, time.monotonic() - started


def run_all(args):
    """Returns {kind: {"agreed": [s], "write": [s]}}, rounds interleaved vigil, redis."""
    binaries = {"vigil": args.sentinel, "redis": args.redis_sentinel}
    results = {kind: {"agreed": [], "write": []} for kind in binaries}
    for rnd in range(args.rounds):
        for kind, binary in binaries.items():
            group = Group(kind, binary, args.redis_server)
            try:
                group.start()
                if rnd == 0:
                    for n in group.nodes():
                        benchlib.print_command(n.argv)
                    print("sentinel config: %s" % "; ".join(group.monitor), flush=True)
                agreed, write = failover_once(group, args.timeout)
            finally:
                group.cleanup()
            results[kind]["agreed"].append(agreed)
            results[kind]["write"].append(write)
            log("round %d/%d %s: all sentinels agree after %.3fs, write accepted after %.3fs"
                % (rnd + 1, args.rounds, kind, agreed, write))
    return results


def print_tables(args, results):
    header = ["figure", "vigil-sentinel", "redis-sentinel", "ratio"]
    rows = []
    for name, label in (("agreed", "all sentinels give the new address"),
                        ("write", "... and the new primary took a write")):
        v = benchlib.median(results["vigil"][name])
        r = benchlib.median(results["redis"][name])
        rows.append([label, "%.2f s" % v, "%.2f s" % r, benchlib.ratio(v, r)])
    print()
    print(benchlib.format_text_table(header, rows))
    print()
    print("Markdown:")
    print()
    print("%s, SIGKILL of the primary (Debian redis-server, 2 replicas, 3 sentinels, quorum %d, "
          "`down-after-milliseconds %d`, `failover-timeout %d`, `parallel-syncs %d`), median of "
          "%d interleaved rounds, %d cores, load average %.2f at the end:"
          % (datetime.date.today().isoformat(), QUORUM, DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS,
             PARALLEL_SYNCS, args.rounds, os.cpu_count(), os.getloadavg()[0]))
    print()
    print(benchlib.format_markdown_table(header, rows))


def main():
    args = parse_args()
    benchlib.install_signal_handlers()
    try:
        benchlib.print_command([sys.executable] + sys.argv)
        benchlib.print_machine()
        print("redis-sentinel: %s" % benchlib.tool_version([args.redis_sentinel, "--version"]))
        print("protocol: fresh group per round, interleaved vigil redis, %d rounds, medians; "
              "clock from SIGKILL" % args.rounds, flush=True)
        print_tables(args, run_all(args))
        return 0
    except BenchError as e:
        print("failover: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("failover: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
