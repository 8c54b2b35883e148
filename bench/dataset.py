"""The standard benchmark dataset, as a RESP file to feed `redis-cli --pipe`.

memory.py, persistence.py and replication.py all measure the same data: 1M strings
(`SET key:<n> <value>`), 100k hashes of 10 fields and 10k sorted sets of 50 members (times
--scale). Values are 10 to 20 printable bytes, the size of typical ids, tokens and short names,
so the small encodings (embedded strings, listpacks) are what gets measured in both servers.
The file is written once per script run, in bulk, and loaded into every server the same way.
"""

import base64
import os
import random
import re
import tempfile
import time

import benchlib
from benchlib import BenchError

STRINGS = 1000000
HASHES = 100000
HASH_FIELDS = 10
ZSETS = 10000
ZSET_MEMBERS = 50
# Commands are buffered and written this many at a time: a few MB per write.
CHUNK = 20000


class Dataset:
    """The counts for one --scale, and the RESP file once written."""

    def __init__(self, scale):
        if scale <= 0:
            raise BenchError("--scale must be positive")
        self.strings = max(1, int(STRINGS * scale))
        self.hashes = max(1, int(HASHES * scale))
        self.zsets = max(1, int(ZSETS * scale))
        self.path = None

    def keys(self):
        """Keys the dataset creates; it is also the command count, one command per key."""
        return self.strings + self.hashes + self.zsets

    def describe(self):
        return ("%d strings (SET key:<n>, 10-20 byte values), %d hashes of %d fields, "
                "%d sorted sets of %d members"
                % (self.strings, self.hashes, HASH_FIELDS, self.zsets, ZSET_MEMBERS))

    def write(self):
        """Writes the RESP file to a temporary path; remove() deletes it."""
        fd, self.path = tempfile.mkstemp(prefix="vigil-bench-dataset-", suffix=".resp")
        started = time.monotonic()
        with os.fdopen(fd, "wb") as f:
            values = _ValuePool(random.Random(20261122))
            for chunk in _chunks(self._string_commands(values)):
                f.write(chunk)
            for chunk in _chunks(self._hash_commands(values)):
                f.write(chunk)
            for chunk in _chunks(self._zset_commands(values)):
                f.write(chunk)
        benchlib.log("dataset: %s, %.0f MB written in %.1fs"
                     % (self.describe(), os.path.getsize(self.path) / 1e6,
                        time.monotonic() - started))

    def remove(self):
        if self.path is not None:
            os.unlink(self.path)
            self.path = None

    def _string_commands(self, values):
        for n in range(self.strings):
            yield _set_command(b"key:%d" % n, values.next())

    def _hash_commands(self, values):
        for n in range(self.hashes):
            args = [b"HSET", b"hash:%d" % n]
            for i in range(HASH_FIELDS):
                args += [b"field:%d" % i, values.next()]
            yield benchlib.encode_command(args)

    def _zset_commands(self, values):
        for n in range(self.zsets):
            args = [b"ZADD", b"zset:%d" % n]
            for i in range(ZSET_MEMBERS):
                # Scores with a fractional part, as for timestamps or rankings.
                args += [b"%d.%d" % ((n * 7919 + i * 104729) % 1000000, i % 10),
                         b"member:" + values.next()]
            yield benchlib.encode_command(args)


def _set_command(key, value):
    """SET written out directly: encode_command per key would double the generation time."""
    return b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value)


def _chunks(commands):
    buf = []
    for cmd in commands:
        buf.append(cmd)
        if len(buf) == CHUNK:
            yield b"".join(buf)
            buf = []
    if buf:
        yield b"".join(buf)


class _ValuePool:
    """Deterministic 10-20 byte printable values, sliced from one block of random base64.

    One random draw per value would dominate the time to write the file; slicing a block
    refilled from a seeded generator keeps it fast and the same on every run.
    """

    BLOCK = 1 << 20

    def __init__(self, rng):
        self.rng = rng
        self.block = b""
        self.pos = 0
        self.count = 0

    def next(self):
        length = 10 + self.count % 11
        self.count += 1
        if self.pos + length > len(self.block):
            self.block = base64.b64encode(self.rng.randbytes(self.BLOCK))
            self.pos = 0
        value = self.block[self.pos:self.pos + length]
        self.pos += length
        return value


def load(dataset, server, servers, timeout):
    """Feeds the dataset to server with `redis-cli --pipe`; returns the seconds it took.

    Fails unless redis-cli reports no errors and every command replied, and the server then
    holds exactly the expected number of keys: a figure for a partial load would be wrong.
    """
    argv = load_argv(server.port)
    started = time.monotonic()
    out = benchlib.run_watched(argv, servers, timeout, stdin_path=dataset.path)
    elapsed = time.monotonic() - started
    m = re.search(r"errors: (\d+), replies: (\d+)", out)
    if not m:
        raise BenchError("%s: unexpected redis-cli --pipe output:\n%s" % (server.label, out))
    errors, replies = int(m.group(1)), int(m.group(2))
    if errors or replies != dataset.keys():
        raise BenchError("%s: redis-cli --pipe reported %d errors, %d of %d replies:\n%s"
                         % (server.label, errors, replies, dataset.keys(), out))
    keys = benchlib.call(server.port, "DBSIZE")
    if keys != dataset.keys():
        raise BenchError("%s holds %r keys after the load, expected %d"
                         % (server.label, keys, dataset.keys()))
    return elapsed


def load_argv(port):
    """The load command line, for the scripts to print."""
    return [benchlib.REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), "--pipe"]
