#!/usr/bin/env bash
# bench-search.sh — search engine benchmarks at archive scale, next to
# ripgrep on a real export.
#
#   scripts/bench-search.sh [conversations.json]
#
# Runs BenchmarkBuild and BenchmarkSearch of ./model/search over a synthetic
# in-memory corpus of BACKCHAT_BENCH_TEXT_MB MB of message text (default 500,
# about the text of a 1 GB export) and prints p50/p95 per query kind. Given a
# conversations.json, it also times `rg -i -c` for the same queries on it
# (a raw-file floor; rg counts lines, backchat ranks conversations).
# BENCHTIME (default 20x) sets the iterations per query kind, BUILDTIME
# (default 3x) the builds.
set -euo pipefail

cd "$(dirname "$0")/.."
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

if [ $# -ge 1 ]; then
	file="$1"
	echo
	echo "== rg -i -c on $file ($(du -h "$file" | cut -f1))"
	if ! command -v rg >/dev/null 2>&1; then
		echo "rg not installed"
	else
		cat "$file" >/dev/null # page cache, as for backchat's in-memory text
		for q in data needle000123zq "kubernetes cluster" kube x; do
			start=$(date +%s.%N)
			n=$(rg -i -c -F -- "$q" "$file" || true)
			end=$(date +%s.%N)
			printf "rg %-20s %8.1f ms  (%s matching lines)\n" "\"$q\"" "$(echo "($end - $start) * 1000" | bc)" "${n:-0}"
		done
	fi
fi
