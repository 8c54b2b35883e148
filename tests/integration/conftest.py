"""pytest fixtures for the Vigil integration suite (built on harness.py).

server             one shared server per test module
r                  redis-py client on it (bytes replies), FLUSHALL before each test
server_factory     starts servers with their own config; all stopped at teardown
redis_peer_factory the same, but always Debian's redis-server (differential/interop)
raw                RawConn factory: raw(server) opens a RESP socket, closed at teardown

The marker `vigil_only` skips a test when the server under test is a
redis-server binary; a failing test gets the tail of every involved server log.
"""

import pytest

import harness


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "vigil_only: behaviour where Vigil intentionally differs from Redis")


def pytest_collection_modifyitems(config, items):
    if not harness.is_redis_binary(harness.server_binary()):
        return
    skip = pytest.mark.skip(reason="Vigil-only behaviour; server under test is redis-server")
    for item in items:
        if "vigil_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the last log lines of each server the test touched to failures."""
    outcome = yield
    report = outcome.get_result()
    servers = harness.take_servers_for_report()
    if not report.failed:
        return
    for srv in servers:
        report.sections.append((f"server log: {srv.describe()}", srv.log_tail()))


def pytest_sessionfinish(session, exitstatus):
    harness.stop_all()


@pytest.fixture(scope="module")
def server():
    srv = harness.ServerProcess().start()
    yield srv
    srv.stop()


@pytest.fixture
def r(server):
    client = server.client()
    client.flushall()
    yield client
    client.close()


class _Factory:
    """Starts servers of one binary and stops every one of them at teardown."""

    def __init__(self, binary=None):
        self.binary = binary
        self.servers = []

    def __call__(self, config=None, config_file=None, args=None):
        srv = harness.ServerProcess(self.binary, config=config,
                                    config_file=config_file, args=args)
        self.servers.append(srv)
        return srv.start()

    def stop_all(self):
        for srv in self.servers:
            srv.stop()


@pytest.fixture
def server_factory():
    factory = _Factory()
    yield factory
    factory.stop_all()


@pytest.fixture
def redis_peer_factory():
    factory = _Factory(harness.REDIS_SERVER)
    yield factory
    factory.stop_all()


@pytest.fixture
def raw():
    conns = []

    def open_conn(srv, timeout=10.0):
        conn = srv.raw(timeout)
        conns.append(conn)
        return conn
    yield open_conn
    for conn in conns:
        conn.close()
