#!/usr/bin/env bash
# compose/compose.sh — runs docker compose on the group's file, whichever CLI this host has.
#
# Docker's `docker compose` plugin is used when present, else the standalone docker-compose
# (v1, as Debian 12 ships it). When BASE_IMAGE is unset and the local vigil-base:bookworm
# exists (compose/build-base.sh), the image is built on it, so no registry is needed.
#
#   compose/compose.sh build | up -d | ps | logs sentinel1 | down -v ...
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${BASE_IMAGE:-}" ] && docker image inspect vigil-base:bookworm >/dev/null 2>&1; then
    export BASE_IMAGE=vigil-base:bookworm
fi
if docker compose version >/dev/null 2>&1; then
    exec docker compose -f "$here/docker-compose.yml" "$@"
fi
exec docker-compose -f "$here/docker-compose.yml" "$@"
