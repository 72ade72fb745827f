#!/usr/bin/env bash
# bench-reopen.sh — issue 15's reopen figures in the browser, binaries
# interleaved: the time from start to the first screen listing the whole
# library, and the time `j` (next conversation) takes to show the next
# conversation in the viewer.
#
#   LIBRARY=/tmp/me/lib scripts/bench-reopen.sh BINARY [BINARY...]
#
# LIBRARY must hold an import and its snapshot (an `import` without
# --no-cache writes it). For each of RUNS rounds (default 8) it runs every
# BINARY once, in turn (A, B, A, B, …: machine noise hits them alike), in
# a detached tmux pane of SIZE (default 160x45):
#
#   reopen  ms from starting the process to the first screen whose status
#           bar says "N conversations" (N the library's count, from `ls`)
#           without "Loading"; and the CPU time (user + system, at a
#           clock tick's resolution) the process had used by then
#   j       then JS times (default 15): ms from sending `j` until the
#           viewer's header (the first line right of the list) shows
#           another title; GAP_MS (default 300) between presses, so that
#           each starts from a settled screen. A `j` onto a conversation
#           with the same title as the one before times out after 2 s and
#           is left out (counted as "same").
#
# The screen is polled every POLL_MS (default 2) through one tmux
# control-mode client (no fork per poll; each capture costs the tmux
# server well under a millisecond at this size). It prints per binary the
# median, min and max of reopen, the p50, p90 and max of every `j`, and
# the load average before and after.
set -euo pipefail
shopt -s extglob

if (($# < 1)) || [[ -z ${LIBRARY:-} ]]; then
	echo "usage: LIBRARY=DIR $0 BINARY [BINARY...]   (RUNS, JS, SIZE, GAP_MS, POLL_MS)" >&2
	exit 2
fi
RUNS=${RUNS:-8} JS=${JS:-15} SIZE=${SIZE:-160x45} GAP_MS=${GAP_MS:-300} POLL_MS=${POLL_MS:-2}
bins=()
for b in "$@"; do bins+=("$(realpath "$b")"); done
sess="bench-reopen-$$"
# A tmux server of its own (its own socket): another user of tmux on the
# machine neither sees nor ends it.
tmux() { command tmux -L "$sess" -f /dev/null "$@"; }
work=$(mktemp -d /tmp/bench-reopen.XXXXXX)
trap 'tmux kill-server 2>/dev/null || true; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sess"; rm -rf "$work"' EXIT
# A session that outlives each run's: a server left without sessions exits,
# and the next run's new-session could reach it while it does.
tmux new-session -d -s keep "sleep 86400"

n=$(BACKCHAT_LIBRARY=$LIBRARY "${bins[0]}" ls | wc -l)
count=$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$n") # 60014 → 60,014
poll=$(awk -v p="$POLL_MS" 'BEGIN { printf "%.3f", p / 1000 }')
gap=$(awk -v p="$GAP_MS" 'BEGIN { printf "%.3f", p / 1000 }')

nap_fifo=$(mktemp -u /tmp/bench-reopen-nap.XXXXXX)
mkfifo "$nap_fifo"
exec {nap}<>"$nap_fifo"
rm -f "$nap_fifo"

# now_us: the clock in microseconds, without a fork.
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# block (tmux-control.sh) reads the next answer of the control client
# into $screen.
source "$(dirname "$0")/tmux-control.sh"


# header_title sets title to the title in the viewer's header ($screen's first line,
# right of the list's border, without the percentage at its end), without a fork.
header_title() {
	local first=${screen%%$'\n'*}
	first=${first#*│}
	first=${first##+( )}
	first=${first%%*([0-9])%}
	title=${first%%+( )}
}

# one BINARY INDEX: one reopen and JS presses of j; appends to the
# binary's result files.
one() {
	local bin=$1 k=$2 t0 t1 before after i title
	t0=$(now_us)
	tmux new-session -d -s "$sess" -x "${SIZE%x*}" -y "${SIZE#*x}" \
		"env BACKCHAT_LIBRARY='$LIBRARY' '$bin' --theme dark; sleep 600"
	coproc ctl { tmux -C attach -t "$sess" 2>/dev/null; }
	local ctl_pid=$ctl_PID
	echo "refresh-client -f no-output" >&"${ctl[1]}"
	local rows=${SIZE#*x}
	while :; do
		capture $((rows - 2)) $((rows - 1)) # the status bar and help line
		if [[ $screen == *" $count conversations"* && $screen != *Loading* ]]; then
			break
		fi
		if (($(now_us) - t0 > 60000000)); then
			echo "bench-reopen: $bin: no full list after 60 s" >&2
			printf '%s' "$screen" >&2
			exit 1
		fi
		read -rt "$poll" -u "$nap" || true
	done
	t1=$(now_us)
	echo $(((t1 - t0) / 1000)) >>"$work/reopen.$k"
	# The CPU time the browser took to get there (the pane runs a shell,
	# which runs backchat): steadier than the wall time on a busy machine.
	local pid child
	pid=$(tmux display -p -t "$sess" '#{pane_pid}')
	child=$(pgrep -P "$pid" | head -1 || true)
	[[ -n $child ]] && pid=$child
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat" >>"$work/cpu.$k"
	read -rt 0.5 -u "$nap" || true
	for ((i = 0; i < JS; i++)); do
		capture 0 0 # the viewer's header is on the first row
		header_title
		before=$title
		t0=$(now_us)
		echo "send-keys -t $sess j" >&"${ctl[1]}"
		block
		while :; do
			capture 0 0
			header_title
			after=$title
			t1=$(now_us)
			if [[ -n $after && $after != "$before" ]]; then
				echo $(((t1 - t0) / 1000)) >>"$work/j.$k"
				break
			fi
			if ((t1 - t0 > 2000000)); then
				echo same >>"$work/same.$k"
				break
			fi
			read -rt "$poll" -u "$nap" || true
		done
		read -rt "$gap" -u "$nap" || true
	done
	echo "send-keys -t $sess q" >&"${ctl[1]}"
	block || true
	sleep 0.2
	tmux kill-session -t "$sess" 2>/dev/null || true
	wait "$ctl_pid" 2>/dev/null || true
}

# stats FILE P...: the given percentiles of the numbers in FILE.
pct() {
	sort -n "$1" | awk -v ps="$2" '{ v[NR] = $1 } END {
		n = split(ps, p, " ")
		for (i = 1; i <= n; i++) {
			if (p[i] == "max") { printf " %5d", v[NR]; continue }
			if (p[i] == "min") { printf " %5d", v[1]; continue }
			k = int((NR * p[i] + 99) / 100); if (k < 1) k = 1
			printf " %5d", v[k]
		}
	}'
}

echo "bench-reopen: $LIBRARY, $count conversations, $SIZE, RUNS=$RUNS JS=$JS · load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < RUNS; r++)); do
	for k in "${!bins[@]}"; do
		one "${bins[$k]}" "$k"
	done
done
printf '%-36s %27s %14s   %23s  %s\n' binary "reopen ms: median min max" "CPU ms median" "j ms: p50 p90 max" "runs"
for k in "${!bins[@]}"; do
	same=0
	[[ -f $work/same.$k ]] && same=$(wc -l <"$work/same.$k")
	printf '%-36s %27s %14s   %23s  %s\n' "${bins[$k]}" "$(pct "$work/reopen.$k" "50 min max")" "$(pct "$work/cpu.$k" 50)" "$(pct "$work/j.$k" "50 90 max")" \
		"$(wc -l <"$work/reopen.$k") reopens, $(wc -l <"$work/j.$k") j ($same same title)"
	echo "  reopens: $(tr '\n' ' ' <"$work/reopen.$k")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
