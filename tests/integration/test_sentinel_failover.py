"""vigil-sentinel failover scenarios against Debian's redis-server."""

import pytest

from harness import wait_until
from sentinel_harness import SentinelGroup, count_events, wait_replicating_to


@pytest.fixture
def group(request):
    g = SentinelGroup().start()
    yield g
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        print(g.logs())
    g.cleanup()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def test_kill_primary_exactly_one_failover(group):
    group.wait_discovery()
    old = group.master
    old.kill9()
    host, port = group.wait_failover(old.port, timeout=20)
    new = group.server_at(port)
    assert new in group.replicas
    # The new primary takes writes and the other replica follows it.
    wait_until(lambda: new.client().set("k", "v"), 10, 0.05, "write on the new primary")
    other = next(r for r in group.replicas if r is not new)
    wait_replicating_to(other, port)
    wait_until(lambda: all(count_events(s, "+switch-master") for s in group.sentinels), 15,
               0.05, "+switch-master on every sentinel")
    leaders = sum(count_events(s, "+elected-leader") for s in group.sentinels)
    switches = [count_events(s, "+switch-master") for s in group.sentinels]
    assert leaders == 1, group.logs()
    assert switches == [1, 1, 1], group.logs()
    # The old primary comes back and is turned into a replica of the new one.
    group.restart_server(old)
    wait_replicating_to(old, port, timeout=30)
