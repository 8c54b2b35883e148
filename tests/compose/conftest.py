"""pytest fixtures for the docker compose HA group tests.

group   one compose project for the whole session, brought up healthy, always torn down with
        `down -v` (volumes too) at the end, pass or fail.

The project name and /24 come from VIGIL_COMPOSE_PROJECT (vigiltest) and
VIGIL_COMPOSE_NET_PREFIX (172.30.58); sentinel timing from DOWN_AFTER_MS (2000) and
FAILOVER_TIMEOUT_MS (10000). The image must be built already (make compose-build).
A failing test gets the tail of every container's log.
"""

import os
import shutil
import subprocess

import pytest

from group import ComposeGroup, wait_until

UP_TIMEOUT = 60


def docker_usable():
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def group():
    if not docker_usable():
        pytest.skip("no usable docker engine")
    g = ComposeGroup(
        os.environ.get("VIGIL_COMPOSE_PROJECT", "vigiltest"),
        os.environ.get("VIGIL_COMPOSE_NET_PREFIX", "172.30.58"),
        {"DOWN_AFTER_MS": os.environ.get("DOWN_AFTER_MS", "2000"),
         "FAILOVER_TIMEOUT_MS": os.environ.get("FAILOVER_TIMEOUT_MS", "10000")})
    # A project left behind by an interrupted run would hold the names and the subnet.
    g.down()
    try:
        g.up()
        try:
            wait_until(lambda: g.healthy("primary"), UP_TIMEOUT, "the group to come up healthy")
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- container logs ---\n{g.logs()}") from None
        yield g
    finally:
        g.down()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    g = getattr(item, "funcargs", {}).get("group")
    if report.failed and g is not None:
        report.sections.append(("container logs", g.logs()))
