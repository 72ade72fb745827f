#!/usr/bin/env bash
# bench-load.sh — time `backchat ls` against Python's json.load on synthetic
# exports of 250 MB and 1 GB (plus a ZIP of the 1 GB one).
#
#   BACKCHAT=./backchat BENCH_DIR=/tmp/backchat-bench scripts/bench-load.sh
#
# (SMALL and LARGE override the two sizes in bytes, e.g. for a smoke run.)
#
# Inputs are generated once with cmd/backchat-gen (seed 1) and reused while
# their size matches. backchat runs 3 times (median wall time and its peak
# RSS reported); python3 runs once (slow) and is skipped for the ZIP.
set -euo pipefail

cd "$(dirname "$0")/.."
BACKCHAT=${BACKCHAT:-./backchat}
BENCH_DIR=${BENCH_DIR:-/tmp/backchat-bench}
PYTHON=${PYTHON:-python3}
mkdir -p "$BENCH_DIR"

if [[ ! -x "$BACKCHAT" ]]; then
	echo "bench-load: $BACKCHAT not found; build it (go build -o backchat ./cmd/backchat) or set BACKCHAT=" >&2
	exit 1
fi
if [[ ! -x /usr/bin/time ]]; then
	echo "bench-load: /usr/bin/time (GNU time) is required: apt-get install time" >&2
	exit 1
fi

GEN="$BENCH_DIR/backchat-gen"
go build -o "$GEN" ./cmd/backchat-gen

# gen NAME SIZE_BYTES [zip]: (re)generate unless a file of that exact JSON size exists.
gen() {
	local out="$BENCH_DIR/$1" size=$2 kind=${3:-json}
	local stamp="$out.size"
	if [[ -f "$out" && -f "$stamp" && "$(cat "$stamp")" == "$size $kind $(stat -c %s "$out")" ]]; then
		return
	fi
	echo "generating $out ..." >&2
	if [[ $kind == zip ]]; then
		"$GEN" -out "$out" -size "$size" -zip -seed 1
	else
		"$GEN" -out "$out" -size "$size" -seed 1
	fi
	echo "$size $kind $(stat -c %s "$out")" >"$stamp"
}

# Sizes are overridable for a quick smoke run (SMALL=5000000 LARGE=10000000).
SMALL=${SMALL:-250000000}
LARGE=${LARGE:-1000000000}
gen conv250.json "$SMALL"
gen conv1g.json "$LARGE"
gen export1g.zip "$LARGE" zip

# measure CMD...: prints "wall_seconds peak_rss_kb" for one run.
measure() {
	local log
	log=$(mktemp)
	if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
		echo "bench-load: failed: $*" >&2
		tail -5 "$log" >&2
		rm -f "$log"
		return 1
	fi
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
		/Maximum resident set size/ { rss = $2 }
		END { printf "%.2f %d\n", wall, rss }' "$log"
	rm -f "$log"
}

median3() { sort -n | sed -n 2p; }

printf '%-14s %9s %12s %14s %11s %13s %9s\n' file "size MB" "backchat s" "backchat MB" "python s" "python MB" speed-up
for f in conv250.json conv1g.json export1g.zip; do
	path="$BENCH_DIR/$f"
	size_mb=$(awk -v b="$(stat -c %s "$path")" 'BEGIN { printf "%.0f", b / 1e6 }')
	runs=()
	for _ in 1 2 3; do
		runs+=("$(measure "$BACKCHAT" ls "$path")")
	done
	bwall=$(printf '%s\n' "${runs[@]}" | awk '{ print $1 }' | median3)
	brss=$(printf '%s\n' "${runs[@]}" | awk -v w="$bwall" '$1 == w { print int($2 / 1024); exit }')
	if [[ $f == *.json ]] && command -v "$PYTHON" >/dev/null; then
		read -r pwall prss < <(measure "$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1], "rb"))' "$path")
		prss=$((prss / 1024))
		speedup=$(awk -v p="$pwall" -v b="$bwall" 'BEGIN { if (b > 0) printf "%.1fx", p / b; else print "-" }')
	else
		pwall="-" prss="-" speedup="-"
	fi
	printf '%-14s %9s %12s %14s %11s %13s %9s\n' "$f" "$size_mb" "$bwall" "$brss" "$pwall" "$prss" "$speedup"
done
