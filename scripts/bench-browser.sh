#!/usr/bin/env bash
# bench-browser.sh — how long the browser takes to finish loading a file,
# next to `backchat ls` on the same file, runs interleaved.
#
#   scripts/bench-browser.sh BINARY FILE [RUNS]
#
# The browser runs in a detached tmux pane (120x40); the script polls the
# screen every 20 ms through a tmux control-mode client until the status
# bar no longer says "Loading", then quits it. It prints each run's browser
# time, `ls` wall time and their ratio, then the medians. Needs tmux (3.2+)
# and GNU time. Polling adds up to ~20 ms to the browser's time.
#
# SETTLE=SECONDS (default 0) waits that long before each run. On a VM
# whose balloon reports free pages to the host, memory another process
# freed a moment ago is still backed and fills several times faster than
# memory freed seconds ago (1 GB: ~0.5 s against 1.5-9 s here), so without
# a pause `ls`, which starts right after the browser exits, gets the
# browser's memory warm while the browser starts colder. SETTLE=8 makes
# both start cold, as a user's first load does.
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 BINARY FILE [RUNS]" >&2
	exit 2
fi
bin=$(realpath "$1") file=$(realpath "$2") runs=${3:-3}
sess="bench-browser-$$"
# A tmux server of its own (-L): the default one may be busy with other
# sessions, and its CPU is reported per run.
tmux() { command tmux -L "$sess" "$@"; }
trap 'tmux kill-server 2>/dev/null || true' EXIT

# A fifo nobody writes to: `read -t` on it sleeps without a fork.
nap_fifo=$(mktemp -u /tmp/bench-browser-nap.XXXXXX)
mkfifo "$nap_fifo"
exec {nap}<>"$nap_fifo"
rm -f "$nap_fifo"

# block (tmux-control.sh) reads the next answer of the control client
# into $screen.
source "$(dirname "$0")/tmux-control.sh"

browser() {
	local start end
	start=$(date +%s.%N)
	tmux new-session -d -s "$sess" -x 120 -y 40 "$bin --theme dark '$file'"
	# Poll through one tmux control-mode client: a `tmux capture-pane` and
	# a `sleep` per poll (fork + exec every 20 ms) cost ~0.28 CPU-s per
	# second, a seventh of this 2-core machine, taken from the browser
	# being measured; the control client costs ~0.07.
	coproc ctl { tmux -C attach -t "$sess" 2>/dev/null; }
	echo "refresh-client -f no-output" >&"${ctl[1]}"
	echo "display -p sync-$$" >&"${ctl[1]}"
	while block; do [[ $screen == *sync-$$* ]] && break; done
	# Wait for the screen to appear, then for "Loading" to go. Only the
	# last two rows (the status bar and the help line) are captured: the
	# control client's answer is read by bash a byte at a time, and the
	# whole 120x40 screen every 20 ms cost the machine ~1 s of the
	# browser's 1 GB load (measured against a detached session polled
	# every 50 ms: long1g 3.55 s here, 2.42-2.47 s there, `ls` 2.2-2.3 s).
	while true; do
		capture 38 39
		if [[ -n ${screen//[[:space:]]/} && $screen != *Loading* ]]; then
			break
		fi
		read -rt 0.02 -u "$nap" || true
	done
	end=$(date +%s.%N)
	# The browser's CPU time so far (user + system, in clock ticks): the
	# pane's process, or its child when a shell runs it.
	local pid child
	pid=$(tmux display -p -t "$sess" '#{pane_pid}')
	child=$(pgrep -P "$pid" | head -1 || true)
	[[ -n $child ]] && pid=$child
	bc=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat" 2>/dev/null || echo "?")
	# The tmux server's, which shares the two cores with the browser.
	tc=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$(tmux display -p '#{pid}')/stat" 2>/dev/null || echo "?")
	tmux send-keys -t "$sess" q
	sleep 0.3
	tmux kill-session -t "$sess" 2>/dev/null || true
	[[ -n ${ctl_PID:-} ]] && { wait "$ctl_PID" 2>/dev/null || true; }
	b=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }')
}

ls_wall() {
	/usr/bin/time -f '%e %U %S' "$bin" ls "$file" 2>&1 >/dev/null | tail -1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bs=() ls=()
printf '%-8s %10s %8s %7s %12s %9s %9s\n' run "browser s" "ls s" ratio "browser CPU" "ls CPU" "tmux CPU"
settle=${SETTLE:-0}
for i in $(seq "$runs"); do
	sleep "$settle"
	browser # sets b and bc (not in a subshell: the control client is a coprocess)
	sleep "$settle"
	read -r l lu lsys <<<"$(ls_wall)"
	bs+=("$b") ls+=("$l")
	printf '%-8s %10s %8s %7s %12s %9s %9s\n' "$i" "$b" "$l" "$(awk -v b="$b" -v l="$l" 'BEGIN { printf "%.2f", b / l }')" "$bc" "$(awk -v u="$lu" -v s="$lsys" 'BEGIN { printf "%.2f", u + s }')" "$tc"
done
mb=$(printf '%s\n' "${bs[@]}" | median) ml=$(printf '%s\n' "${ls[@]}" | median)
printf '%-8s %10s %8s %7s   (%s, load %s)\n' median "$mb" "$ml" "$(awk -v b="$mb" -v l="$ml" 'BEGIN { printf "%.2f", b / l }')" "$(basename "$file")" "$(cut -d' ' -f1 /proc/loadavg)"
