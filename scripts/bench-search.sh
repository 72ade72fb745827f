#!/usr/bin/env bash
# bench-search.sh — search engine benchmarks at archive scale, next to
# ripgrep on a real export.
#
#   scripts/bench-search.sh [conversations.json]
#
# Given an export (conversations.json, ZIP or folder), it measures the real
# path (go run ./cmd/backchat-searchbench): load time with the real loader, the
# load with the index fed while loading (as the browser does) and the wait
# for its final snapshot, a whole index build on its own, index bytes
# against text bytes, and p50/p95 per query kind through the browser's
# search service, live.Searcher (common word, rare token needle000123zq, phrase
# "kubernetes cluster", prefix, field filter, exclusion, 1-char, miss), with
# CPU time per query and CPU time of the loads (steadier than wall time
# when other work shares the machine: report the load average with them) —
# then `rg -i -c` for the same words on the same file when rg is installed
# (a raw-file floor: rg counts lines, backchat ranks conversations).
# RUNS (default 20) sets the runs per query kind.
#
# Without an argument (or with SYNTH=1) it runs BenchmarkBuild and
# BenchmarkSearch of ./model/search over a synthetic in-memory corpus of
# BACKCHAT_BENCH_TEXT_MB MB of message text (default 500, about the text of
# a 1 GB export). BENCHTIME (default 20x) sets the iterations per query
# kind, BUILDTIME (default 3x) the builds.
#
# Make a 1 GB export with: go run ./cmd/backchat-gen -out /tmp/c1g.json -size 1GB
set -euo pipefail

cd "$(dirname "$0")/.."

if [ $# -ge 1 ]; then
	file="$1"
	echo "== backchat on $file ($(du -h "$file" | cut -f1))"
	cat "$file" >/dev/null 2>&1 || true # page cache, as for rg below
	go run ./cmd/backchat-searchbench -n "${RUNS:-20}" "$file"
	echo
	echo "== rg -i -c on $file"
	if ! command -v rg >/dev/null 2>&1; then
		echo "rg not installed (apt-get install ripgrep); skipped"
	elif [ -f "$file" ]; then
		for q in data needle000123zq "kubernetes cluster" kube garlic x zebraquux; do
			start=$(date +%s%N)
			n=$(rg -i -c -F -- "$q" "$file" || true)
			end=$(date +%s%N)
			printf "rg %-22s %9.1f ms  (%s matching lines)\n" "\"$q\"" "$(((end - start) / 1000))e-3" "${n:-0}"
		done
	else
		echo "not a file; skipped"
	fi
	[ "${SYNTH:-0}" = 1 ] || exit 0
	echo
fi
export BACKCHAT_BENCH_TEXT_MB="${BACKCHAT_BENCH_TEXT_MB:-500}"
benchtime="${BENCHTIME:-20x}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

echo "== backchat search: ${BACKCHAT_BENCH_TEXT_MB} MB synthetic text, GOMAXPROCS=${GOMAXPROCS:-$(nproc)}, $(nproc) CPUs"
go test -run '^$' -bench 'BenchmarkBuild' -benchtime "${BUILDTIME:-3x}" -timeout 60m ./model/search/ | tee "$out"
go test -run '^$' -bench 'BenchmarkSearch' -benchtime "$benchtime" -timeout 60m ./model/search/ | tee -a "$out"

echo
echo "== summary"
awk '
/^BenchmarkSearch\// {
	name = $1; sub(/^BenchmarkSearch\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 1; i <= NF; i++) {
		if ($i == "p50-ms") p50 = $(i-1)
		if ($i == "p95-ms") p95 = $(i-1)
	}
	printf "search %-8s p50 %8.2f ms   p95 %8.2f ms\n", name, p50, p95
}
/^BenchmarkBuild/ {
	for (i = 1; i <= NF; i++) {
		if ($i == "ns/op") s = $(i-1) / 1e9
		if ($i == "MB/s") mbs = $(i-1)
		if ($i == "index/text") it = $(i-1)
		if ($i == "heap/text") ht = $(i-1)
	}
	printf "build  %.2f s (%s MB/s), index %.3f x text, heap growth %.3f x text\n", s, mbs, it, ht
}' "$out"

