#!/usr/bin/env bash
# scripts/deps.sh — install the Debian 12 packages Vigil needs to build, test and benchmark.
#
# `make deps` (and so `make run`, `make test`, `make bench`) calls this first. When every package
# is already installed it only asks dpkg and returns: no apt, no root needed. Otherwise it runs
# `apt-get update` once and installs just the missing packages, as root or through sudo.
#
# Usage: scripts/deps.sh [--dev] [--check]
#   --dev     also install the developer tools (clang-format, cppcheck); same as DEPS_DEV=1
#   --check   only report what is missing; exit 1 if anything is
set -euo pipefail

build_pkgs=(build-essential pkg-config libev-dev libhiredis-dev libssl-dev check liblzf-dev)
test_pkgs=(python3-pytest python3-redis redis-server redis-tools redis-sentinel)
dev_pkgs=(clang-format cppcheck)

# Debian's packages install these services; they must not keep running after we install them.
service_pkgs=(redis-server redis-sentinel)

policy_rc=/usr/sbin/policy-rc.d
policy_rc_saved=""

say() {
    printf 'deps: %s\n' "$*"
}

die() {
    printf 'deps: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n 's/^# \{0,1\}//; 2,10p' "$0"
}

is_installed() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
    [[ $status == installed ]]
}

# Prints the packages of "$@" that are not installed, one per line.
list_missing() {
    local pkg
    for pkg in "$@"; do
        is_installed "$pkg" || printf '%s\n' "$pkg"
    done
}

contains() {
    local needle=$1 item
    shift
    for item in "$@"; do
        [[ $item == "$needle" ]] && return 0
    done
    return 1
}

# Stops maintainer scripts from starting the services we install: invoke-rc.d (and, through it,
# deb-systemd-invoke) asks /usr/sbin/policy-rc.d, and exit status 101 means "action forbidden".
# A policy already in place (Docker images ship one) is kept aside and put back afterwards.
block_service_starts() {
    if [[ -e $policy_rc ]]; then
        policy_rc_saved=$(mktemp /usr/sbin/policy-rc.d.vigil.XXXXXX)
        cp -p "$policy_rc" "$policy_rc_saved"
    fi
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
    chmod 755 "$policy_rc"
    trap restore_policy EXIT
}

restore_policy() {
    if [[ -n $policy_rc_saved ]]; then
        mv -f "$policy_rc_saved" "$policy_rc"
    else
        rm -f "$policy_rc"
    fi
}

# Belt and braces for the service packages installed by this run: stop them if something started
# them anyway, and on systemd machines disable them so a reboot does not bring up a daemon on
# 6379 that would collide with `make run` and compete with benchmarks.
quiesce_service() {
    local unit=$1 pidfile pid
    case $unit in
    redis-server) pidfile=/run/redis/redis-server.pid ;;
    redis-sentinel) pidfile=/run/sentinel/redis-sentinel.pid ;;
    esac
    if [[ -d /run/systemd/system ]]; then
        systemctl disable --now "$unit.service" >/dev/null 2>&1 || true
        say "disabled the system service $unit (enable it with: systemctl enable --now $unit)"
    fi
    if [[ -r $pidfile ]]; then
        pid=$(cat "$pidfile")
        if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
            "/etc/init.d/$unit" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
            say "stopped the system $unit (pid $pid)"
        fi
    fi
}

install_missing() {
    local pkg
    block_service_starts
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
    restore_policy
    trap - EXIT
    for pkg in "${service_pkgs[@]}"; do
        contains "$pkg" "$@" && quiesce_service "$pkg"
    done
    return 0
}

main() {
    local dev=${DEPS_DEV:-0} check_only=0 arg
    for arg in "$@"; do
        case $arg in
        --dev) dev=1 ;;
        --check) check_only=1 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
        esac
    done

    command -v dpkg-query >/dev/null ||
        die "dpkg-query not found: this script supports Debian 12; install the equivalents of: ${build_pkgs[*]} ${test_pkgs[*]}"

    local wanted=("${build_pkgs[@]}" "${test_pkgs[@]}")
    local dev_flag=()
    if [[ $dev == 1 ]]; then
        wanted+=("${dev_pkgs[@]}")
        dev_flag=(--dev)
    fi

    local missing
    mapfile -t missing < <(list_missing "${wanted[@]}")
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "all ${#wanted[@]} packages present"
        exit 0
    fi
    say "missing: ${missing[*]}"
    [[ $check_only == 1 ]] && exit 1

    if [[ $EUID -ne 0 ]]; then
        if command -v sudo >/dev/null; then
            say "not root: re-running through sudo"
            exec sudo -- "$0" "${dev_flag[@]}" "$@"
        fi
        printf 'deps: error: not root and no sudo; as root, run:\n' >&2
        printf '  apt-get update && apt-get install -y --no-install-recommends %s\n' \
            "${missing[*]}" >&2
        exit 1
    fi
    install_missing "${missing[@]}"

    mapfile -t missing < <(list_missing "${wanted[@]}")
    [[ ${#missing[@]} -eq 0 ]] || die "still missing after apt-get install: ${missing[*]}"
    say "installed; all ${#wanted[@]} packages present"
}

main "$@"
