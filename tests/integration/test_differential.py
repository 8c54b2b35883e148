"""Differential test: every script in diff_scripts/ is replayed against the
server under test and Debian's redis-server (same config), and the raw reply
bytes must match line by line.

Script format: one command per line in redis-cli quoting; blank lines and
lines starting with '#' are ignored.  A line prefixed with '~ ' has a
nondeterministic reply (RANDOMKEY, TIME, INFO...): only the RESP type of the
two replies (their first byte) must agree.
"""

from pathlib import Path

import pytest

import harness

SCRIPT_DIR = Path(__file__).parent / "diff_scripts"
SCRIPTS = sorted(SCRIPT_DIR.glob("*.txt"))
TYPE_ONLY_PREFIX = "~ "
MAX_REPORTED = 30


def parse_script(path):
    """[(line number, argv, type_only)] for every command line of a script."""
    steps = []
    for lineno, text in enumerate(path.read_text().splitlines(), 1):
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        type_only = text.startswith(TYPE_ONLY_PREFIX)
        if type_only:
            text = text[len(TYPE_ONLY_PREFIX):]
        try:
            argv = harness.split_args(text)
        except ValueError as exc:
            raise AssertionError(f"{path.name}:{lineno}: bad quoting: {exc}") from None
        steps.append((lineno, argv, type_only))
    return steps


def exchange(conn, argv):
    """Send argv and return its raw reply, or a marker once the peer has closed."""
    if conn is None:
        return b"<closed>"
    try:
        conn.send(harness.encode_command(*argv))
        return conn.read_reply()
    except (harness.ConnectionClosed, BrokenPipeError, ConnectionResetError):
        return b"<closed>"


def same_reply(ours, theirs, type_only):
    if type_only:
        return ours[:1] == theirs[:1]
    return ours == theirs


def shorten(reply, limit=300):
    return repr(reply if len(reply) <= limit else reply[:limit] + b"...")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_matches_redis(script, server_factory, redis_peer_factory):
    steps = parse_script(script)
    assert steps, f"{script.name} has no commands"
    ours_srv = server_factory()
    ref_srv = redis_peer_factory()
    ours = ours_srv.raw()
    ref = ref_srv.raw()
    mismatches = []
    for lineno, argv, type_only in steps:
        got = exchange(ours, argv)
        want = exchange(ref, argv)
        if not same_reply(got, want, type_only):
            command = b" ".join(argv).decode("utf-8", "replace")
            mismatches.append(f"{script.name}:{lineno}: {command}\n"
                              f"    {ours_srv.describe()}: {shorten(got)}\n"
                              f"    reference redis-server: {shorten(want)}")
    ours.close()
    ref.close()
    shown = "\n".join(mismatches[:MAX_REPORTED])
    more = len(mismatches) - MAX_REPORTED
    if mismatches:
        pytest.fail(f"{len(mismatches)} of {len(steps)} replies differ:\n{shown}"
                    + (f"\n... and {more} more" if more > 0 else ""), pytrace=False)


def test_split_args_follows_redis_cli_quoting():
    assert harness.split_args('SET k "a b"') == [b"SET", b"k", b"a b"]
    assert harness.split_args(r'X "\x41\n\"" ' + r"'it\'s'") == [b"X", b"A\n\"", b"it's"]
    assert harness.split_args('  A  "" ') == [b"A", b""]
    with pytest.raises(ValueError):
        harness.split_args('SET k "open')
    with pytest.raises(ValueError):
        harness.split_args('SET k "a"b')


def test_type_only_compares_reply_type():
    assert same_reply(b":1\r\n", b":7\r\n", True)
    assert not same_reply(b":1\r\n", b"$1\r\n1\r\n", True)
    assert not same_reply(b":1\r\n", b":7\r\n", False)
