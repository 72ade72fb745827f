#!/usr/bin/env bash
# bench-ab.sh — compare two backchat binaries on the same inputs, runs
# interleaved (A, B, A, B, …) so that machine noise hits both alike.
#
#   scripts/bench-ab.sh OLD_BINARY NEW_BINARY FILE...
#
# For each file it runs `BINARY ls FILE` RUNS times (default 5) per binary
# under GNU time and prints, per binary, the median wall time, the median CPU
# time (user + system) and the median peak RSS. Wall time on a shared VM
# swings ±30% between identical runs; CPU time is the steadier figure.
set -euo pipefail

if (($# < 3)); then
	echo "usage: $0 OLD_BINARY NEW_BINARY FILE..." >&2
	exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
	echo "bench-ab: /usr/bin/time (GNU time) is required: apt-get install time" >&2
	exit 1
fi
old=$1 new=$2
shift 2
RUNS=${RUNS:-5}

# one BINARY FILE: prints "wall cpu rss_mb" for one run of `BINARY ls FILE`.
one() {
	local log
	log=$(mktemp)
	if ! /usr/bin/time -f '%e %U %S %M' -o "$log" "$1" ls "$2" >/dev/null 2>&1; then
		echo "bench-ab: failed: $1 ls $2" >&2
		rm -f "$log"
		return 1
	fi
	awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$log"
	rm -f "$log"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-16s %-4s %9s %9s %9s   %s\n' file bin "wall s" "cpu s" "RSS MB" "runs (wall/cpu)"
for f in "$@"; do
	a=() b=()
	for _ in $(seq "$RUNS"); do
		a+=("$(one "$old" "$f")")
		b+=("$(one "$new" "$f")")
	done
	for side in old new; do
		if [[ $side == old ]]; then runs=("${a[@]}"); else runs=("${b[@]}"); fi
		w=$(printf '%s\n' "${runs[@]}" | awk '{ print $1 }' | median)
		c=$(printf '%s\n' "${runs[@]}" | awk '{ print $2 }' | median)
		r=$(printf '%s\n' "${runs[@]}" | awk '{ print $3 }' | median)
		all=$(printf '%s\n' "${runs[@]}" | awk '{ printf "%s/%s ", $1, $2 }')
		printf '%-16s %-4s %9s %9s %9s   %s\n' "$(basename "$f")" "$side" "$w" "$c" "$r" "$all"
	done
done
