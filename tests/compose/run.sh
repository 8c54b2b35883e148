#!/usr/bin/env bash
# tests/compose/run.sh — runs the compose HA group tests (tests/compose/) from the host.
#
# Expects the image built (make compose-build). The pytest fixture brings the group up and
# takes it down with `down -v`; the trap here does it again in case pytest itself is killed.
# Extra arguments go to pytest. Uses Debian's python3 (redis-py, pytest), as the other suites.
set -euo pipefail

cd "$(dirname "$0")"
export VIGIL_COMPOSE_PROJECT=${VIGIL_COMPOSE_PROJECT:-vigiltest}
export VIGIL_COMPOSE_NET_PREFIX=${VIGIL_COMPOSE_NET_PREFIX:-172.30.58}
trap 'COMPOSE_PROJECT_NAME=$VIGIL_COMPOSE_PROJECT VIGIL_NET_PREFIX=$VIGIL_COMPOSE_NET_PREFIX \
      ../../compose/compose.sh down -v --remove-orphans -t 2 >/dev/null 2>&1 || true' EXIT
start=$(date +%s)
status=0
/usr/bin/python3 -m pytest -q -p no:cacheprovider "$@" . || status=$?
echo "compose tests: $(($(date +%s) - start)) s"
exit $status
