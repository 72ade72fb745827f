#!/usr/bin/env bash
# bench-serve.sh — `backchat serve` under many concurrent SSH sessions: RSS
# per session and keystroke-to-screen latency (issue 15's serve target).
#
#   scripts/bench-serve.sh [EXPORT...]             # this tree's binary
#   BASE=/path/to/old/backchat scripts/bench-serve.sh EXPORT...
#
# Builds backchat and cmd/backchat-servebench, which starts `backchat serve`
# on a free loopback port with a throw-away host key and authorized_keys
# (no EXPORT: the library), measures the server's RSS once loaded, opens
# the largest number of SESSIONS (80x24 and 120x40 alternately) and lets
# 1, 10 and 50 of them at once type a filter query, open a match, scroll,
# go back, open another and move down the list. It prints p50/p95/p99 of
# the time from each key to the first screen output after it and to the
# screen settling, per phase and per kind of key, the server's RSS and
# (RSS − baseline)/sessions, anonymous and file-backed apart, and the load
# average. The baseline is the server after one warm-up session ran the
# script and closed, so pages every session shares (the binary, the
# snapshot's list and index) count once. File-backed growth is the
# snapshot's pages read through its mapping: page cache shared by every
# session, not a per-session cost; anonymous growth (heap) is, with the
# shared caches that fill during the run (bounded, see
# cmd/backchat/servemem.go). With BASE set, the old
# and new binaries run alternately RUNS times each (default 1), so that
# machine noise hits both alike.
#
# Environment: SESSIONS (default 1,10,50), ROUNDS (script rounds per
# session and phase, default 2), RUNS, BASE, SERVER_ENV (extra environment
# for the server, e.g. GODEBUG=gctrace=1), QUERIES: shared (default: ten
# words, every tenth session types the same one at about the same time) or
# distinct (every session and round types a word of its own).
set -euo pipefail
cd "$(dirname "$0")/.."

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/backchat" ./cmd/backchat
go build -o "$TMP/servebench" ./cmd/backchat-servebench

one() {
	echo "### $1"
	"$TMP/servebench" -bin "$1" -sessions "${SESSIONS:-1,10,50}" -rounds "${ROUNDS:-2}" \
		-queries "${QUERIES:-shared}" \
		-server-env "${SERVER_ENV:-}" "${@:2}"
	echo
}

for _ in $(seq 1 "${RUNS:-1}"); do
	if [[ -n "${BASE:-}" ]]; then
		one "$BASE" "$@"
	fi
	one "$TMP/backchat" "$@"
done
