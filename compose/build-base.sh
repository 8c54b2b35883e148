#!/usr/bin/env bash
# compose/build-base.sh — builds the local Debian 12 base image for the compose group.
#
# Where no registry is reachable (this machine, CI), `FROM debian:bookworm-slim` cannot be
# pulled, so the base is made here: debootstrap a minimal bookworm from Debian's mirror, with
# the runtime libraries of bin/vigil-* and Debian's redis packages baked in, then
# `docker import` it as vigil-base:bookworm. The Dockerfile then needs no network at all.
#
#   compose/build-base.sh            build unless the image already exists
#   compose/build-base.sh --force    rebuild it
#
# With BASE_IMAGE set to anything else (a registry base), there is nothing to do.
# Environment: VIGIL_BASE_TAG (default vigil-base:bookworm), DEBIAN_MIRROR.
set -euo pipefail

tag=${VIGIL_BASE_TAG:-vigil-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Keep in step with PACKAGES in compose/Dockerfile.
packages=libev4,libhiredis0.14,libssl3,liblzf1,redis-server,redis-tools,redis-sentinel

if [ -n "${BASE_IMAGE:-}" ] && [ "$BASE_IMAGE" != "$tag" ]; then
    echo "build-base: BASE_IMAGE=$BASE_IMAGE, not building $tag"
    exit 0
fi
if [ "${1:-}" != "--force" ] && docker image inspect "$tag" >/dev/null 2>&1; then
    echo "build-base: $tag exists (--force rebuilds it)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "build-base: debootstrap needs root" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null; then
    apt-get install -y debootstrap >/dev/null || { apt-get update >/dev/null && apt-get install -y debootstrap >/dev/null; }
fi

rootfs=$(mktemp -d /tmp/vigil-base.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

start=$(date +%s)
debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror"
# Downloaded .debs and package lists are half the size and stale the day after: drop them.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$tag"
echo "build-base: $tag built in $(($(date +%s) - start)) s"
