#!/usr/bin/env bash
# bench-browser.sh — how long the browser takes to finish loading a file,
# next to `backchat ls` on the same file, runs interleaved.
#
#   scripts/bench-browser.sh BINARY FILE [RUNS]
#
# The browser runs in a detached tmux pane (120x40); the script polls the
# screen every 20 ms until the status bar no longer says "Loading", then
# quits it. It prints each run's browser time, `ls` wall time and their
# ratio, then the medians. Needs tmux and GNU time. Polling adds up to
# ~20 ms to the browser's time.
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 BINARY FILE [RUNS]" >&2
	exit 2
fi
bin=$(realpath "$1") file=$(realpath "$2") runs=${3:-3}
sess="bench-browser-$$"
trap 'tmux kill-session -t "$sess" 2>/dev/null || true' EXIT

browser() {
	local start end screen
	start=$(date +%s.%N)
	tmux new-session -d -s "$sess" -x 120 -y 40 "$bin --theme dark '$file'"
	# Wait for the screen to appear, then for "Loading" to go.
	while true; do
		screen=$(tmux capture-pane -p -t "$sess" 2>/dev/null || true)
		if [[ -n ${screen//[[:space:]]/} && $screen != *Loading* ]]; then
			break
		fi
		sleep 0.02
	done
	end=$(date +%s.%N)
	tmux send-keys -t "$sess" q
	sleep 0.3
	tmux kill-session -t "$sess" 2>/dev/null || true
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
}

ls_wall() {
	/usr/bin/time -f '%e' "$bin" ls "$file" 2>&1 >/dev/null | tail -1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bs=() ls=()
printf '%-8s %10s %8s %7s\n' run "browser s" "ls s" ratio
for i in $(seq "$runs"); do
	b=$(browser)
	l=$(ls_wall)
	bs+=("$b") ls+=("$l")
	printf '%-8s %10s %8s %7s\n' "$i" "$b" "$l" "$(awk -v b="$b" -v l="$l" 'BEGIN { printf "%.2f", b / l }')"
done
mb=$(printf '%s\n' "${bs[@]}" | median) ml=$(printf '%s\n' "${ls[@]}" | median)
printf '%-8s %10s %8s %7s   (%s, load %s)\n' median "$mb" "$ml" "$(awk -v b="$mb" -v l="$ml" 'BEGIN { printf "%.2f", b / l }')" "$(basename "$file")" "$(cut -d' ' -f1 /proc/loadavg)"
