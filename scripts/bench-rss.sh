#!/usr/bin/env bash
# bench-rss.sh — peak RSS (VmHWM) of a first load against the file's size:
# `backchat ls` and the browser, which is measured twice: when "Loading"
# leaves the status bar, and after a search typed then has its complete
# answer (the search index built, the first results drawn).
#
#   scripts/bench-rss.sh BINARY FILE [RUNS] [QUERY]
#
# Every run uses --no-cache (no snapshot is read or written) and a scratch
# library under /tmp. The browser runs in a detached tmux pane (160x45),
# polled every 20 ms through one tmux control-mode client (as
# bench-browser.sh). Prints, per run: each peak in MB and as × the file's
# bytes, and the CPU seconds (user + system) spent to that point. Needs
# tmux (3.2+) and GNU time. BENCH_RSS_WRAP="env GOGC=50" (any command
# prefix) runs both ls and the browser under it; BENCH_RSS_DEBUG=FILE keeps
# the last screen polled there.
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 BINARY FILE [RUNS] [QUERY]" >&2
	exit 2
fi
bin=$(realpath "$1") file=$(realpath "$2") runs=${3:-1} query=${4:-data}
size=$(stat -c %s "$file")
sess="bench-rss-$$"
lib=$(mktemp -d /tmp/bench-rss-lib.XXXXXX)
trap 'tmux kill-session -t "$sess" 2>/dev/null || true; rm -rf "$lib"' EXIT

nap_fifo=$(mktemp -u /tmp/bench-rss-nap.XXXXXX)
mkfifo "$nap_fifo"
exec {nap}<>"$nap_fifo"
rm -f "$nap_fifo"

# block (tmux-control.sh) reads the next answer of the control client
# into $screen.
source "$(dirname "$0")/tmux-control.sh"

CAPTURE_DEBUG=${BENCH_RSS_DEBUG:-}

# peak prints "MB ratio CPU-s" for process $pid now.
peak() {
	local hwm
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	awk -v k="$hwm" -v s="$size" -v hz="$(getconf CLK_TCK)" -v st="$(cut -d' ' -f14,15 "/proc/$pid/stat")" \
		'BEGIN { split(st, t, " "); printf "%d %.2f %.2f", k / 1024, k * 1024 / s, (t[1] + t[2]) / hz }'
}

browser() {
	tmux new-session -d -s "$sess" -x 160 -y 45 "BACKCHAT_LIBRARY='$lib' exec ${BENCH_RSS_WRAP:-} '$bin' --no-cache --theme dark '$file'"
	coproc ctl { tmux -C attach -t "$sess" 2>/dev/null; }
	echo "refresh-client -f no-output" >&"${ctl[1]}"
	echo "display -p sync-$$" >&"${ctl[1]}"
	while block; do [[ $screen == *sync-$$* ]] && break; done
	pid=$(tmux display -p -t "$sess" '#{pane_pid}')
	while capture 43 44; [[ -z ${screen//[[:space:]]/} || $screen == *Loading* ]]; do
		read -rt 0.02 -u "$nap" || true
	done
	loaded=$(peak)
	# Open the filter, wait for its prompt, then type the query.
	tmux send-keys -t "$sess" /
	while capture 0 0; [[ $screen != " /"* ]]; do read -rt 0.02 -u "$nap" || true; done
	tmux send-keys -t "$sess" -l "$query"
	while capture 0 0; [[ $screen != " / $query"* ]]; do read -rt 0.02 -u "$nap" || true; done
	# The answer is complete when the status bar's count says "match"
	# with neither "…" (searching) nor "indexing N%" after it.
	while true; do
		capture 43 44 # the status bar and help line
		if [[ $screen == *" match"* && $screen != *indexing* && $screen != *" match …"* ]]; then
			break
		fi
		read -rt 0.02 -u "$nap" || true
	done
	read -rt 1 -u "$nap" || true # let the first screen of results draw
	searched=$(peak)
	tmux send-keys -t "$sess" Escape
	read -rt 0.3 -u "$nap" || true
	tmux send-keys -t "$sess" q
	read -rt 0.3 -u "$nap" || true
	tmux kill-session -t "$sess" 2>/dev/null || true
	if [[ -n ${ctl_PID:-} ]]; then wait "$ctl_PID" 2>/dev/null || true; fi
}

ls_peak() {
	BACKCHAT_LIBRARY="$lib" /usr/bin/time -f '%M %U %S' ${BENCH_RSS_WRAP:-} "$bin" ls --no-cache "$file" 2>&1 >/dev/null | tail -1 |
		awk -v s="$size" '{ printf "%d %.2f %.2f", $1 / 1024, $1 * 1024 / s, $2 + $3 }'
}

printf '%-4s %-22s %-22s %-22s\n' run "ls MB ×file CPU-s" "loaded MB ×file CPU-s" "searched MB ×file CPU-s"
for i in $(seq "$runs"); do
	l=$(ls_peak)
	browser
	printf '%-4s %-22s %-22s %-22s\n' "$i" "$l" "$loaded" "$searched"
done
echo "($(basename "$file"), $size bytes, query \"$query\", load $(cut -d' ' -f1 /proc/loadavg))"
