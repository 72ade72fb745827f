#!/usr/bin/env bash
# rss-trace.sh — when, and from what, the browser's peak RSS is set: the
# browser run of bench-rss.sh (--no-cache, a scratch library, a 160x45
# tmux pane, "/" then QUERY typed once "Loading" goes, then 1 s for the
# results to draw) with /proc/PID/status sampled every ~20 ms, the
# collector's trace (GODEBUG=gctrace=1) and the mappings at the end.
#
#   scripts/rss-trace.sh BINARY FILE [QUERY]
#
# Prints the phase marks (Loading gone, query typed, "indexing" seen, the
# complete answer, results drawn), the RSS timeline in MiB (VmRSS, RssAnon,
# RssFile, VmHWM) every ~100 ms and at each new high, the collections
# before and after the load with their CPU (gctrace's "ms cpu", idle
# marking left out; gctrace derives it from the phases' wall time, so it
# grows with the machine's load: compare runs at the same load), and /proc/PID/smaps at the end summed by kind: the
# executable's file pages, anonymous mappings at the Go runtime's
# addresses (outside the 0x7f… mmap area: its heap arenas) and those in
# the mmap area (loader/arena_linux.go's text arena, model/search's off-heap index
# arrays, internal/snapshot's scratch, the runtime's own small sysAllocs).
# RSS_TRACE_KEEP=DIR keeps the raw samples, gctrace and smaps there.
# RSS_TRACE_WRAP="env X=Y" (any command prefix) runs the browser under it.
# Needs tmux (3.2+); Linux only (/proc).
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 BINARY FILE [QUERY]" >&2
	exit 2
fi
bin=$(realpath "$1") file=$(realpath "$2") query=${3:-data}
size=$(stat -c %s "$file")
sess="rss-trace-$$"
tmp=$(mktemp -d /tmp/rss-trace.XXXXXX)
lib=$tmp/lib
mkdir "$lib"
trap 'tmux kill-session -t "$sess" 2>/dev/null || true; [[ -n ${RSS_TRACE_KEEP:-} ]] && cp "$tmp"/{rss,marks,gc,smaps} "$RSS_TRACE_KEEP"/ 2>/dev/null; rm -rf "$tmp"' EXIT

nap_fifo=$(mktemp -u /tmp/rss-trace-nap.XXXXXX)
mkfifo "$nap_fifo"
exec {nap}<>"$nap_fifo"
rm -f "$nap_fifo"
nap() { read -rt "${1:-0.02}" -u "$nap" || true; }

source "$(dirname "$0")/tmux-control.sh"
CAPTURE_DEBUG=

: >"$tmp/marks"
mark() { echo "$EPOCHREALTIME $1" >>"$tmp/marks"; }

tmux new-session -d -s "$sess" -x 160 -y 45 \
	"BACKCHAT_LIBRARY='$lib' GODEBUG=gctrace=1 exec ${RSS_TRACE_WRAP:-} '$bin' --no-cache --theme dark '$file' 2>'$tmp/gc'"
pid=$(tmux display -p -t "$sess" '#{pane_pid}')
mark start
# The sampler reads /proc with bash builtins only (no fork per sample).
(
	while [[ -r /proc/$pid/status ]]; do
		r='' a='' f='' h=''
		while read -r k v _; do
			case $k in
			VmRSS:) r=$v ;; RssAnon:) a=$v ;; RssFile:) f=$v ;; VmHWM:) h=$v ;;
			esac
		done <"/proc/$pid/status" 2>/dev/null || break
		[[ -n $r ]] && echo "$EPOCHREALTIME $r $a $f $h"
		nap
	done
) >"$tmp/rss" &
sampler=$!

coproc ctl { tmux -C attach -t "$sess" 2>/dev/null; }
echo "refresh-client -f no-output" >&"${ctl[1]}"
echo "display -p sync-$$" >&"${ctl[1]}"
while block; do [[ $screen == *sync-$$* ]] && break; done
while capture 43 44; [[ -z ${screen//[[:space:]]/} || $screen == *Loading* ]]; do nap; done
mark loaded
tmux send-keys -t "$sess" /
while capture 0 0; [[ $screen != " /"* ]]; do nap; done
tmux send-keys -t "$sess" -l "$query"
while capture 0 0; [[ $screen != " / $query"* ]]; do nap; done
mark typed
seen=''
while true; do
	capture 43 44
	if [[ -z $seen && $screen == *indexing* ]]; then
		seen=1
		mark indexing
	fi
	if [[ $screen == *" match"* && $screen != *indexing* && $screen != *" match …"* ]]; then
		break
	fi
	nap
done
mark answered
nap 1
mark drawn
cp "/proc/$pid/smaps" "$tmp/smaps"
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
tmux send-keys -t "$sess" Escape
nap 0.3
tmux send-keys -t "$sess" q
nap 0.3
tmux kill-session -t "$sess" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
if [[ -n ${ctl_PID:-} ]]; then wait "$ctl_PID" 2>/dev/null || true; fi

t0=$(awk '$2 == "start" { print $1 }' "$tmp/marks")
tl=$(awk '$2 == "loaded" { print $1 }' "$tmp/marks")
echo "== $(basename "$file") ($size bytes), query \"$query\", load $(cut -d' ' -f1 /proc/loadavg)"
echo "== marks (s from start)"
awk -v t0="$t0" '{ printf "%7.3f %s\n", $1 - t0, $2 }' "$tmp/marks"
echo "== RSS (MiB): t VmRSS RssAnon RssFile VmHWM (every ~100 ms, and each new high)"
awk -v t0="$t0" '{ t = $1 - t0; if (t >= due || $5 > top + 1024) { printf "%7.3f %5d %5d %5d %5d\n", t, $2 / 1024, $3 / 1024, $4 / 1024, $5 / 1024; due = t + 0.1 } if ($5 > top) top = $5 }' "$tmp/rss"
echo "== collections (gctrace), before and after the end of Loading"
# "gc N @T s P%: a+b+c ms clock, A+B/C/D+E ms cpu, X->Y->Z MB, G MB goal, …":
# CPU is A + B (assists) + C (background) + E; D (idle marking) is left out.
awk -v d="$(awk -v a="$t0" -v b="$tl" 'BEGIN { print b - a }')" '
/^gc [0-9]+ @/ {
	t = substr($3, 2) + 0
	split($5, p, "+"); split(p[2], q, "/")
	c = p[1] + q[1] + q[2] + p[3]
	if (t < d) { n0++; c0 += c } else { n1++; c1 += c; last = $11 }
}
END { printf "before: %d (%.0f ms CPU); after: %d (%.0f ms CPU), last heap %s MB\n", n0, c0, n1, c1, last }' "$tmp/gc"
echo "== mappings at the end (MiB resident)"
awk -v exe="$bin" '
/^[0-9a-f]+-[0-9a-f]+ / {
	split($1, r, "-")
	kind = "other"
	if ($6 == exe) kind = "binary (file)"
	else if ($6 != "") kind = "other"
	else if (length(r[1]) < 12) kind = "anon, next to the binary (bss)"
	else if (substr(r[1], 1, 2) != "7f") kind = "anon, Go runtime (heap arenas)"
	else kind = "anon, mmap area (arena, index, …)"
	next
}
/^Rss:/ { sum[kind] += $2; all += $2 }
END { for (k in sum) printf "%6.1f  %s\n", sum[k] / 1024, k; printf "%6.1f  total\n", all / 1024 }' "$tmp/smaps"
awk -v k="$hwm" -v s="$size" 'BEGIN { printf "== VmHWM %.1f MiB, %.2fx the file\n", k / 1024, k * 1024 / s }'
