"""Pub/Sub: SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE and their UNSUBSCRIBE forms,
PUBLISH / SPUBLISH delivery, PUBSUB introspection, the subscribed-context
restrictions, and cleanup when subscribers go away.  Exact confirmation bytes
are checked on raw sockets; single-connection error replies are also in
diff_scripts/pubsub.txt.

Waits on other families: test_reset_drops_subscriptions needs RESET
(connection commands)."""

import socket

import pytest

from harness import encode_command, wait_until


def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def confirmation(word, name, count):
    name_part = b"$-1\r\n" if name is None else bulk(name)
    return b"*3\r\n" + bulk(word) + name_part + b":%d\r\n" % count


def message(channel, payload, word=b"message"):
    return b"*3\r\n" + bulk(word) + bulk(channel) + bulk(payload)


def pmessage(pattern, channel, payload):
    return b"*4\r\n" + bulk(b"pmessage") + bulk(pattern) + bulk(channel) + bulk(payload)


@pytest.fixture
def client(server):
    """A redis-py client; pub/sub state needs no keyspace flush."""
    c = server.client()
    yield c
    c.close()


def numsub(client, channel):
    return dict(client.pubsub_numsub(channel))[channel]


def test_subscribe_confirmations_count_channels_and_patterns(server, raw):
    sub = raw(server)
    sub.send(encode_command("SUBSCRIBE", "c1", "c2", "c1"))
    assert sub.read_replies(3) == [confirmation(b"subscribe", b"c1", 1),
                                   confirmation(b"subscribe", b"c2", 2),
                                   confirmation(b"subscribe", b"c1", 2)]
    sub.send(encode_command("PSUBSCRIBE", "c*", "c*"))
    assert sub.read_replies(2) == [confirmation(b"psubscribe", b"c*", 3),
                                   confirmation(b"psubscribe", b"c*", 3)]
    # Shard subscriptions are counted on their own.
    assert sub.command("SSUBSCRIBE", "s1") == confirmation(b"ssubscribe", b"s1", 1)
    assert sub.command("UNSUBSCRIBE", "never") == confirmation(b"unsubscribe", b"never", 3)
    assert sub.command("PUNSUBSCRIBE", "c*") == confirmation(b"punsubscribe", b"c*", 2)
    sub.send(encode_command("UNSUBSCRIBE"))
    # In table order, whatever it is; the count runs down to 0.
    first, second = sub.read_replies(2)
    gone_first = b"c1" if b"$2\r\nc1\r\n" in first else b"c2"
    gone_last = b"c2" if gone_first == b"c1" else b"c1"
    assert first == confirmation(b"unsubscribe", gone_first, 1)
    assert second == confirmation(b"unsubscribe", gone_last, 0)
    assert sub.command("SUNSUBSCRIBE") == confirmation(b"sunsubscribe", b"s1", 0)


def test_unsubscribe_without_subscriptions(server, raw):
    conn = raw(server)
    assert conn.command("UNSUBSCRIBE") == confirmation(b"unsubscribe", None, 0)
    assert conn.command("PUNSUBSCRIBE") == confirmation(b"punsubscribe", None, 0)
    assert conn.command("SUNSUBSCRIBE") == confirmation(b"sunsubscribe", None, 0)
    # No subscription was made: the connection is not in subscribed mode.
    assert conn.command("ECHO", "x") == b"$1\r\nx\r\n"
    assert conn.command("SUBSCRIBE", "a") == confirmation(b"subscribe", b"a", 1)
    assert conn.command("PUNSUBSCRIBE") == confirmation(b"punsubscribe", None, 1)


def test_message_and_pmessage_delivery(server, raw, client):
    sub = raw(server)
    sub.send(encode_command("SUBSCRIBE", "news"))
    sub.read_reply()
    sub.send(encode_command("PSUBSCRIBE", "n?ws", "x*"))
    sub.read_replies(2)
    # A channel and a pattern both matching: two deliveries, counted twice.
    assert client.publish("news", "hello") == 2
    assert sub.read_replies(2) == [message(b"news", b"hello"),
                                   pmessage(b"n?ws", b"news", b"hello")]
    assert client.publish("nows", "p") == 1
    assert sub.read_reply() == pmessage(b"n?ws", b"nows", b"p")
    assert client.publish("other", "nobody") == 0
    assert sub.try_read_reply(0.2) is None


def test_publish_counts_every_subscriber(server, raw, client):
    subs = [raw(server) for _ in range(5)]
    for s in subs:
        s.command("SUBSCRIBE", "fan")
    subs[0].command("PSUBSCRIBE", "f*")
    assert client.publish("fan", "m") == 6
    for s in subs:
        assert s.read_reply() == message(b"fan", b"m")
    assert subs[0].read_reply() == pmessage(b"f*", b"fan", b"m")


def test_delivery_follows_publish_order(server, raw, client):
    sub = raw(server)
    sub.command("SUBSCRIBE", "seq")
    pipe = client.pipeline(transaction=False)
    for i in range(500):
        pipe.publish("seq", str(i))
    assert pipe.execute() == [1] * 500
    assert sub.read_replies(500) == [message(b"seq", str(i).encode()) for i in range(500)]


def test_binary_safe_channels_and_messages(server, raw, client):
    sub = raw(server)
    chan = b"bin\x00\r\n\xff"
    sub.command("SUBSCRIBE", chan)
    payload = bytes(range(256)) * 40
    assert client.publish(chan, payload) == 1
    assert sub.read_reply() == message(chan, payload)
    assert sub.command("UNSUBSCRIBE", chan) == confirmation(b"unsubscribe", chan, 0)


def test_pattern_glob_rules(server, raw, client):
    sub = raw(server)
    sub.send(encode_command("PSUBSCRIBE", "a[bc]d", "e\\*f", "g[^x]h", "CaSe"))
    sub.read_replies(4)
    assert client.publish("acd", "1") == 1
    assert client.publish("aed", "1") == 0
    assert client.publish("e*f", "1") == 1
    assert client.publish("eXf", "1") == 0
    assert client.publish("gyh", "1") == 1
    assert client.publish("gxh", "1") == 0
    assert client.publish("case", "1") == 0
    assert sub.read_replies(3) == [pmessage(b"a[bc]d", b"acd", b"1"),
                                   pmessage(b"e\\*f", b"e*f", b"1"),
                                   pmessage(b"g[^x]h", b"gyh", b"1")]


def test_shard_channels(server, raw, client):
    sub = raw(server)
    assert sub.command("SSUBSCRIBE", "sh") == confirmation(b"ssubscribe", b"sh", 1)
    sub.command("PSUBSCRIBE", "*")
    # Shard and global channels are separate namespaces; patterns see only
    # global ones.
    assert client.execute_command("SPUBLISH", "sh", "m") == 1
    assert sub.read_reply() == message(b"sh", b"m", word=b"smessage")
    assert client.publish("sh", "g") == 1
    assert sub.read_reply() == pmessage(b"*", b"sh", b"g")
    assert client.execute_command("PUBSUB", "SHARDCHANNELS") == [b"sh"]
    assert client.execute_command("PUBSUB", "SHARDNUMSUB", "sh", "x") == [b"sh", 1, b"x", 0]
    assert client.pubsub_channels() == []
    assert client.execute_command("SPUBLISH", "nobody", "m") == 0


def test_pubsub_introspection(server, raw, client):
    s1, s2 = raw(server), raw(server)
    s1.send(encode_command("SUBSCRIBE", "intro.a", "intro.b"))
    s1.read_replies(2)
    s2.command("SUBSCRIBE", "intro.a")
    s1.send(encode_command("PSUBSCRIBE", "p1", "p2"))
    s1.read_replies(2)
    s2.command("PSUBSCRIBE", "p1")
    assert sorted(client.pubsub_channels("intro.*")) == [b"intro.a", b"intro.b"]
    assert client.pubsub_channels("intro.b") == [b"intro.b"]
    assert client.pubsub_numsub("intro.a", "intro.b", "intro.c") == [
        (b"intro.a", 2), (b"intro.b", 1), (b"intro.c", 0)]
    assert client.execute_command("PUBSUB", "NUMSUB") == []
    # NUMPAT counts distinct patterns, not subscriptions.
    assert client.pubsub_numpat() == 2
    # A channel whose last subscriber leaves is gone.
    s1.command("UNSUBSCRIBE", "intro.b")
    assert client.pubsub_channels("intro.*") == [b"intro.a"]
    s1.command("PUNSUBSCRIBE", "p2")
    assert client.pubsub_numpat() == 1


def test_pubsub_errors(server, raw):
    conn = raw(server)
    assert conn.command("PUBSUB", "CHANNELS", "a", "b") == (
        b"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. "
        b"Try PUBSUB HELP.\r\n")
    assert conn.command("PUBSUB", "NUMPAT", "x") == (
        b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n")
    assert conn.command("PUBSUB", "nosuch") == (
        b"-ERR unknown subcommand 'nosuch'. Try PUBSUB HELP.\r\n")
    assert conn.command("PUBLISH", "onlychannel") == (
        b"-ERR wrong number of arguments for 'publish' command\r\n")
    assert conn.command("SUBSCRIBE") == (
        b"-ERR wrong number of arguments for 'subscribe' command\r\n")
    help_reply = conn.command("PUBSUB", "HELP")
    assert help_reply.startswith(
        b"*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
    assert help_reply.endswith(b"+HELP\r\n+    Prints this help.\r\n")


def test_subscribed_context_restrictions(server, raw):
    conn = raw(server)
    conn.command("SUBSCRIBE", "ctx")
    assert conn.command("GET", "k") == (
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
        b"/ RESET are allowed in this context\r\n")
    assert conn.command("PUBSUB", "NUMPAT").startswith(b"-ERR Can't execute 'pubsub|numpat'")
    assert conn.command("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert conn.command("PING", "hi") == b"*2\r\n$4\r\npong\r\n$2\r\nhi\r\n"
    # A shard subscription alone keeps the connection in subscribed mode.
    conn.command("SSUBSCRIBE", "shard")
    assert conn.command("UNSUBSCRIBE", "ctx") == confirmation(b"unsubscribe", b"ctx", 0)
    assert conn.command("ECHO", "x").startswith(b"-ERR Can't execute 'echo'")
    conn.command("SUNSUBSCRIBE")
    assert conn.command("ECHO", "x") == b"$1\r\nx\r\n"
    conn.command("SUBSCRIBE", "ctx")
    assert conn.command("QUIT") == b"+OK\r\n"


def test_subscribe_inside_multi(server, raw, client):
    conn = raw(server)
    assert conn.command("MULTI") == b"+OK\r\n"
    assert conn.command("SUBSCRIBE", "tx") == b"+QUEUED\r\n"
    assert conn.command("EXEC") == b"*1\r\n" + confirmation(b"subscribe", b"tx", 1)
    assert client.publish("tx", "m") == 1
    assert conn.read_reply() == message(b"tx", b"m")


def test_disconnect_drops_subscriptions(server, raw, client):
    conn = raw(server)
    conn.send(encode_command("SUBSCRIBE", "gone.1", "gone.2"))
    conn.read_replies(2)
    conn.command("PSUBSCRIBE", "gone.*")
    assert numsub(client, b"gone.1") == 1
    conn.close()
    wait_until(lambda: numsub(client, b"gone.1") == 0, 10, message="subscriber released")
    assert client.pubsub_channels("gone.*") == []
    assert client.publish("gone.1", "x") == 0


def test_slow_subscriber_hits_pubsub_output_limit(server, client):
    """A subscriber that never reads is closed by the pubsub class limit
    (32mb hard by default) instead of growing without bound."""
    sock = socket.create_connection((server.host, server.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        sock.sendall(encode_command("SUBSCRIBE", "flood"))
        wait_until(lambda: numsub(client, b"flood") == 1, 10, message="subscription")
        payload = b"x" * (256 * 1024)
        sent = 0
        while sent < 400 and numsub(client, b"flood") == 1:
            client.publish("flood", payload)
            sent += 1
        wait_until(lambda: numsub(client, b"flood") == 0, 10,
                   message="slow subscriber to be disconnected")
    finally:
        sock.close()


def test_reset_drops_subscriptions(server, raw, client):
    conn = raw(server)
    conn.command("SUBSCRIBE", "rst")
    conn.command("PSUBSCRIBE", "rst*")
    assert conn.command("RESET") == b"+RESET\r\n"
    assert numsub(client, b"rst") == 0
    assert client.publish("rst", "m") == 0
    assert conn.command("ECHO", "x") == b"$1\r\nx\r\n"
