"""Mixed groups: vigil-sentinel and redis-sentinel agree on one failover.
The first case has redis-sentinels watching vigil-server, the second
vigil-sentinel watching redis-server."""

import pytest

from harness import wait_until
from sentinel_harness import SentinelGroup, count_events, wait_replicating_to


@pytest.mark.parametrize("kinds, data", [(("vigil", "redis", "redis"), "vigil"),
                                         (("redis", "vigil", "vigil"), "redis")])
def test_mixed_group_fails_over_together(kinds, data):
    g = SentinelGroup(kinds=kinds, data=data).start()
    try:
        g.wait_discovery()
        old = g.master
        old.kill9()
        _, port = g.wait_failover(old.port, timeout=25)
        assert g.server_at(port) in g.replicas
        other = next(r for r in g.replicas if r.port != port)
        wait_replicating_to(other, port)
        wait_until(lambda: all(count_events(s, "+switch-master") for s in g.sentinels), 15,
                   0.05, "+switch-master everywhere")
        assert sum(count_events(s, "+elected-leader") for s in g.sentinels) == 1, g.logs()
    finally:
        g.cleanup()
