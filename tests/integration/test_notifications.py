"""Keyspace notifications: the __keyspace@<db>__:<key> / __keyevent@<db>__:<event>
channels, the notify-keyspace-events classes (K, E, A, and m / n which A
leaves out), and the events commands and expiry emit.  A subscriber on a
second connection collects the events; "nothing else happened" is checked
by publishing a marker afterwards: delivery keeps publish order, so any
event of the command arrives before it.

Waits on other families (the commands emit their events there):
test_string_events needs SET/INCR/APPEND to notify (strings);
test_del_and_rename_events needs DEL to notify, RENAME (keyspace);
test_expire_and_expired_events needs EXPIRE, SET PX, DEBUG SET-ACTIVE-EXPIRE;
test_list_events needs LPUSH/LPOP (lists);
test_config_set_changes_classes needs CONFIG SET/GET (config)."""

import pytest

from harness import wait_until

MARKER = b"__keyspace@marker"


class Events:
    """A raw connection subscribed to every keyspace/keyevent channel."""

    def __init__(self, srv, raw):
        self.conn = raw(srv)
        assert self.conn.command("PSUBSCRIBE", "__key*__:*").endswith(b":1\r\n")
        self.publisher = srv.client()

    def take(self, count):
        """The next count events as (channel, payload) pairs."""
        return [self._parse(self.conn.read_reply()) for _ in range(count)]

    def rest(self):
        """Every event before a marker published now."""
        self.publisher.publish(MARKER + b"__:end", "end")
        got = []
        while True:
            event = self._parse(self.conn.read_reply())
            if event == (MARKER + b"__:end", b"end"):
                return got
            got.append(event)

    @staticmethod
    def _parse(reply):
        parts = reply.split(b"\r\n")
        assert parts[0] == b"*4" and parts[2] == b"pmessage", reply
        return parts[6], parts[8]

    def close(self):
        self.publisher.close()


def space(key, event, db=0):
    return (b"__keyspace@%d__:%s" % (db, key), event)


def event_(event, key, db=0):
    return (b"__keyevent@%d__:%s" % (db, event), key)


def both(key, event, db=0):
    return [space(key, event, db), event_(event, key, db)]


def start(server_factory, classes):
    return server_factory(config={"notify-keyspace-events": classes})


@pytest.fixture
def kea(server_factory, raw):
    """A server with "KEA" and its event collector."""
    srv = start(server_factory, "KEA")
    events = Events(srv, raw)
    client = srv.client()
    yield client, events
    client.close()
    events.close()


def test_disabled_by_default(server_factory, raw):
    srv = server_factory()
    events = Events(srv, raw)
    c = srv.client()
    c.set("k", "v")
    c.get("missing")
    c.delete("k")
    assert events.rest() == []
    c.close()
    events.close()


def test_keymiss_class(server_factory, raw):
    srv = start(server_factory, "KEm")
    events = Events(srv, raw)
    c = srv.client()
    assert c.get("nokey") is None
    assert events.rest() == both(b"nokey", b"keymiss")
    c.close()
    events.close()


def test_new_key_class(server_factory, raw):
    srv = start(server_factory, "KEn")
    events = Events(srv, raw)
    c = srv.client()
    c.set("fresh", "1")
    assert events.rest() == both(b"fresh", b"new")
    c.set("fresh", "2")
    assert events.rest() == []
    c.close()
    events.close()


def test_keyspace_or_keyevent_only(server_factory, raw):
    srv = start(server_factory, "Kn")
    events = Events(srv, raw)
    c = srv.client()
    c.set("a", "1")
    assert events.rest() == [space(b"a", b"new")]
    c.close()
    events.close()
    srv = start(server_factory, "En")
    events = Events(srv, raw)
    c = srv.client()
    c.set("a", "1")
    assert events.rest() == [event_(b"new", b"a")]
    c.close()
    events.close()


def test_db_number_and_binary_keys(server_factory, raw):
    srv = start(server_factory, "KEn")
    events = Events(srv, raw)
    c = srv.client(db=3)
    key = b"bin\x00key\xff"
    c.set(key, "1")
    assert events.rest() == both(key, b"new", db=3)
    c.close()
    events.close()


def test_all_leaves_out_keymiss_and_new(kea):
    c, events = kea
    c.get("missing")
    assert events.rest() == []


def test_string_events(kea):
    c, events = kea
    c.set("s", "1")
    assert events.rest() == both(b"s", b"set")
    c.incr("s")
    assert events.rest() == both(b"s", b"incrby")
    c.append("s", "x")
    assert events.rest() == both(b"s", b"append")


def test_del_and_rename_events(kea):
    c, events = kea
    c.set("d", "1")
    events.rest()
    assert c.delete("d", "never") == 1
    assert events.rest() == both(b"d", b"del")
    c.set("from", "1")
    events.rest()
    c.rename("from", "to")
    assert events.rest() == both(b"from", b"rename_from") + both(b"to", b"rename_to")


def test_expire_and_expired_events(kea):
    c, events = kea
    c.set("e", "1")
    events.rest()
    c.expire("e", 100)
    assert events.rest() == both(b"e", b"expire")
    # Lazy expiry: the access that finds it expired deletes it.
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 0)
    try:
        c.set("lazy", "1", px=1)
        events.rest()
        wait_until(lambda: c.get("lazy") is None, 5, message="lazy expiry")
        assert events.rest() == both(b"lazy", b"expired")
    finally:
        c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 1)
    # Active expiry: nobody touches the key (it may expire at once, so no
    # marker between the SET and its expiry).
    c.set("active", "1", px=1)
    assert events.take(6) == (both(b"active", b"set") + both(b"active", b"expire") +
                              both(b"active", b"expired"))


def test_list_events(kea):
    c, events = kea
    c.lpush("l", "a")
    assert events.rest() == both(b"l", b"lpush")
    c.lpop("l")
    # The emptied list is deleted, and that is an event of its own.
    assert events.rest() == both(b"l", b"lpop") + both(b"l", b"del")


def test_config_set_changes_classes(kea):
    c, events = kea
    assert c.config_get("notify-keyspace-events") == {"notify-keyspace-events": "AKE"}
    c.config_set("notify-keyspace-events", "Eg")
    assert c.config_get("notify-keyspace-events") == {"notify-keyspace-events": "gE"}
    c.set("s", "1")
    c.delete("s")
    assert events.rest() == [event_(b"del", b"s")]
