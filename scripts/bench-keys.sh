#!/usr/bin/env bash
# bench-keys.sh — keystroke-to-screen latency of the filter, end to end.
#
#   scripts/bench-keys.sh FILE          # conversations.json, ZIP or folder
#   RUNS=20 SIZE=120x40 scripts/bench-keys.sh /tmp/long250.json
#   BIN=/tmp/backchat-old scripts/bench-keys.sh FILE   # a given binary
#
# It builds ./cmd/backchat (or uses BIN), starts it on FILE in a private tmux server (its
# own socket; nothing listens on the network), waits until the export has
# fully loaded (no "Loading" on the status line), then for each query kind —
# a word, a phrase, a prefix, a field filter — RUNS times (default 20):
# clears the filter (esc), opens it (/), types the query but its last
# character and waits for that screen to settle, then sends the last key
# (tmux send-keys) and polls capture-pane until the final screen: the status
# line shows "N of M conversations match" without the "…" a running search
# adds nor "indexing N%" (tui/statusbar.go) and the screen then stays the same for STABLE_MS
# (default 300; the viewer renders the selected conversation after the
# results arrive). The latency is from just before the last send-keys to the
# first capture that already showed that final screen. It prints p50/p95
# (and min/max, the result count) per kind. Each capture-pane costs a few
# ms, so figures are good to about ±3 ms.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ $# -ne 1 ]; then
	echo "usage: scripts/bench-keys.sh FILE   (RUNS, SIZE=WxH, STABLE_MS, LOAD_TIMEOUT env)" >&2
	exit 2
fi
file="$1"
[ -e "$file" ] || { echo "bench-keys: $file: no such file" >&2; exit 1; }
command -v tmux >/dev/null || { echo "bench-keys: tmux not installed" >&2; exit 1; }
runs="${RUNS:-20}"
size="${SIZE:-120x40}"
stable_ms="${STABLE_MS:-300}"
load_timeout="${LOAD_TIMEOUT:-300}"

tmp="$(mktemp -d)"
sock="$tmp/tmux.sock"
bin="${BIN:-$tmp/backchat}"
cleanup() {
	tmux -S "$sock" kill-server 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -n "${BIN:-}" ] || go build -o "$bin" ./cmd/backchat

now_ns() { date +%s%N; }
cap() { tmux -S "$sock" capture-pane -p -t bench; }
status_line() { # the status bar: the line above the help line
	local s="$1"
	printf '%s\n' "$s" | tail -n 2 | head -n 1
}

# settled SCREEN: no load running, a filter count shown, no search running.
settled() {
	local st
	st="$(status_line "$1")"
	case "$st" in
	*Loading* | *indexing*) return 1 ;;
	*"conversations match …"* | *"conversation match …"*) return 1 ;;
	*" conversations match"* | *" conversation match"*) return 0 ;;
	esac
	return 1
}

# wait_final [TEXT]: poll until the screen is settled (and its first line,
# the filter input, shows TEXT) and unchanged for stable_ms; echo the ns
# timestamp at which that screen was first seen, then the screen.
wait_final() {
	local want="${1:-}"
	local deadline=$(($(now_ns) + 30000000000))
	local prev="" first=0 s t
	while :; do
		s="$(cap)"
		t="$(now_ns)"
		if settled "$s" && { [ -z "$want" ] || [[ "${s%%$'\n'*}" == *"$want"* ]]; }; then
			if [ "$s" != "$prev" ]; then
				prev="$s"
				first="$t"
			elif [ $((t - first)) -ge $((stable_ms * 1000000)) ]; then
				echo "$first"
				printf '%s\n' "$s"
				return 0
			fi
		else
			prev=""
		fi
		if [ "$t" -gt "$deadline" ]; then
			echo "bench-keys: no settled screen after 30 s; last screen:" >&2
			printf '%s\n' "$s" >&2
			return 1
		fi
	done
}

w="${size%x*}"
h="${size#*x}"
tmux -S "$sock" -f /dev/null new-session -d -s bench -x "$w" -y "$h" -e TERM=xterm-256color \
	"'$bin' '$file'; echo '[exit]'; sleep 600"

start="$(now_ns)"
while :; do
	s="$(cap)"
	st="$(status_line "$s")"
	case "$st" in
	*" conversations"* | *" conversation"*)
		# "0 conversations" is the screen before the loader's first batch.
		case "$st" in *Loading* | *" 0 conversations"*) ;; *) break ;; esac
		;;
	esac
	if printf '%s' "$s" | grep -q '\[exit\]'; then
		echo "bench-keys: backchat exited:" >&2
		printf '%s\n' "$s" >&2
		exit 1
	fi
	if [ $(($(now_ns) - start)) -gt $((load_timeout * 1000000000)) ]; then
		echo "bench-keys: not loaded after ${load_timeout}s" >&2
		exit 1
	fi
	sleep 0.2
done
loaded="$(status_line "$s" | sed 's/^ *//; s/ *$//')"
echo "== bench-keys on $file ($(du -h "$file" | cut -f1)): loaded in $((($(now_ns) - start) / 1000000)) ms, \"$loaded\", ${w}x${h}, $runs runs per kind, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# "Loading" ends before the index is complete (answers meanwhile say
# "indexing N%"): wait for a complete answer once, so every run measures
# the whole index.
tmux -S "$sock" send-keys -t bench / a
wait_final a >/dev/null || exit 1
tmux -S "$sock" send-keys -t bench Escape
sleep 0.2

kinds=("word" "phrase" "prefix" "field filter")
queries=("data" '"kubernetes cluster"' "kube" "model:gpt-4o after:2025-06 garlic")

printf '%-14s %-36s %9s %9s %9s %9s %9s\n' kind query p50-ms p95-ms min-ms max-ms results
for k in "${!kinds[@]}"; do
	q="${queries[$k]}"
	head="${q%?}"
	last="${q: -1}"
	lat=()
	count=""
	tail="${q: -8}"
	[ ${#q} -gt 8 ] || tail="$q"
	for ((r = 0; r < runs; r++)); do
		# esc clears the filter; wait for it to land and a little more (an
		# esc in the same read as the / is alt+/, and the input reader may
		# be slow to read while the machine is busy, e.g. right after the
		# load). No esc when no filter is on.
		if status_line "$(cap)" | grep -q ' match'; then
			tmux -S "$sock" send-keys -t bench Escape
			while status_line "$(cap)" | grep -q ' match'; do :; done
			sleep 0.2
		fi
		tmux -S "$sock" send-keys -t bench /
		tmux -S "$sock" send-keys -t bench -l "$head"
		wait_final >/dev/null
		t0="$(now_ns)"
		tmux -S "$sock" send-keys -t bench -l "$last"
		out="$(wait_final "$tail")"
		t1="$(printf '%s\n' "$out" | head -n 1)"
		screen="$(printf '%s\n' "$out" | tail -n +2)"
		# The final screen must show the whole query (its tail, in case the
		# input scrolled) on the first line.
		if [[ "${screen%%$'\n'*}" != *"$tail"* ]]; then
			echo "bench-keys: final screen does not show the query $q:" >&2
			printf '%s\n' "$screen" >&2
			exit 1
		fi
		c="$(status_line "$screen" | sed -n 's/^ *\(top \)\{0,1\}\([0-9,]*\) of .*/\2/p')"
		if [ -n "$count" ] && [ "$c" != "$count" ]; then
			echo "bench-keys: $q: $c results, earlier run $count" >&2
			exit 1
		fi
		count="$c"
		lat+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${lat[@]}" | sort -n | awk -v kind="${kinds[$k]}" -v q="$q" -v c="$count" '
		{ v[NR] = $1 / 1000 }
		END {
			i50 = int((NR * 50 + 99) / 100); i95 = int((NR * 95 + 99) / 100)
			printf "%-14s %-36s %9.1f %9.1f %9.1f %9.1f %9s\n", kind, q, v[i50], v[i95], v[1], v[NR], c
		}'
done
tmux -S "$sock" send-keys -t bench Escape q
