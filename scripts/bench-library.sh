#!/usr/bin/env bash
# bench-library.sh — issue 15's figures for reopening an export from its
# snapshot, side by side with Python's json.load on the same files.
#
#   BACKCHAT=./backchat scripts/bench-library.sh [FILE...]
#
# FILEs default to $BENCH_DIR/conv1g.json and $BENCH_DIR/long1g.json (the
# short and long shapes of cmd/backchat-gen). For each FILE it prints:
#
#   python   json.load: wall time and peak RSS (SKIP_PYTHON=1 skips it)
#   load     `ls` without snapshot (--no-cache; of the library in
#            MODE=library): wall, CPU, peak RSS
#   first    `ls` that finds no snapshot: ms until its output ends and
#            until it exits, each ÷ the load's wall; ms until the snapshot
#            is in place (a detached process loads the inputs again, builds
#            the search index, which a plain `ls` does not, and writes it);
#            snapshot size ÷ the JSON
#   browser-path  (with SEARCHBENCH=path to a backchat-searchbench binary)
#            what the write costs on top of what a browser load does
#            anyway: load, index build, then the snapshot write alone
#            (serialise, compress, write), wall and CPU
#   reopen   `ls` from the snapshot: wall, CPU, peak RSS (and RSS ÷ JSON)
#   search   `search FILE QUERY` from the snapshot: wall, peak RSS
#   show     `show FILE ID` of the biggest conversation from the snapshot
#   browser  in tmux: from start to the first screen listing every
#            conversation (no "Loading"), then `j` until the next
#            conversation is shown, then typing QUERY until its "N of M
#            conversations match"
#
# Timed figures are medians of RUNS runs (default 3). The machine is shared:
# quote the load average printed first.
#
# Where the snapshot lives is the only thing that differs between a plain
# export and the library: setup_source says how the archive
# is opened (FLAGS, PATHS), SNAP_DIR where its snapshot is. MODE=file (default) opens FILE
# with --cache and XDG_CACHE_HOME=$BENCH_DIR/cache; MODE=library imports
# FILE into a fresh library and opens that (no PATH).
set -euo pipefail

cd "$(dirname "$0")/.."
BACKCHAT=${BACKCHAT:-./backchat}
BACKCHAT=$(realpath "$BACKCHAT")
BENCH_DIR=${BENCH_DIR:-/work/bench}
WORK=${WORK:-/tmp/backchat-bench-library}
PYTHON=${PYTHON:-python3}
RUNS=${RUNS:-3}
QUERY=${QUERY:-kubernetes}
MODE=${MODE:-file}
mkdir -p "$WORK"

for tool in /usr/bin/time tmux; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench-library: $tool is required" >&2
		exit 1
	fi
done
if [[ ! -x "$BACKCHAT" ]]; then
	echo "bench-library: $BACKCHAT not found; build it (go build -o backchat ./cmd/backchat) or set BACKCHAT=" >&2
	exit 1
fi

files=("$@")
if ((${#files[@]} == 0)); then
	files=("$BENCH_DIR/conv1g.json" "$BENCH_DIR/long1g.json")
fi

# setup_source FILE: prepares FILE's archive without a snapshot and sets
# FLAGS and PATHS (commands run as backchat FLAGS CMD PATHS …), SOURCE_ENV
# (their environment) and SNAP_DIR (where its snapshot is written).
setup_source() {
	local file=$1
	case $MODE in
	file)
		SNAP_DIR="$WORK/cache/backchat/snapshots"
		rm -rf "$WORK/cache"
		SOURCE_ENV=("XDG_CACHE_HOME=$WORK/cache")
		FLAGS=(--cache)
		PATHS=("$file")
		;;
	library)
		local lib="$WORK/library"
		rm -rf "$lib"
		SNAP_DIR="$lib/cache"
		SOURCE_ENV=("BACKCHAT_LIBRARY=$lib")
		# --no-cache: the import would write the snapshot; the first
		# `ls` below must.
		env "${SOURCE_ENV[@]}" "$BACKCHAT" --no-cache import "$file" >/dev/null
		FLAGS=()
		PATHS=()
		;;
	*)
		echo "bench-library: MODE must be file or library" >&2
		exit 2
		;;
	esac
}

# run LOG CMD...: runs CMD under GNU time; LOG gets "wall user sys rss_kb".
run() {
	local log=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$log" env "${SOURCE_ENV[@]}" "$@" >/dev/null 2>"$log.err" || {
		echo "bench-library: failed: $* ($(tail -1 "$log.err"))" >&2
		return 1
	}
}

# median VALUES...: the median of numbers.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# timed NAME CMD...: RUNS runs of CMD; prints NAME, median wall, CPU and RSS.
timed() {
	local name=$1 walls=() cpus=() rss=()
	shift
	for ((i = 0; i < RUNS; i++)); do
		run "$WORK/t" "$@"
		read -r w u s m <"$WORK/t"
		walls+=("$w")
		cpus+=("$(echo "$u + $s" | bc)")
		rss+=("$m")
	done
	LAST_RSS_KB=$(median "${rss[@]}")
	LAST_WALL=$(median "${walls[@]}")
	printf '  %-8s %6.2f s wall  %6.2f s CPU  %6d MB RSS' "$name" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" $((LAST_RSS_KB / 1024))
}

# now_ms: the clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_screen SESSION TIMEOUT_MS PATTERN [ANTI]: polls the pane until it
# matches PATTERN (and not ANTI); prints the milliseconds waited.
wait_screen() {
	local s=$1 timeout=$2 pat=$3 anti=${4:-} t0 scr
	t0=$(now_ms)
	while :; do
		scr=$(tmux capture-pane -p -t "$s" 2>/dev/null || true)
		if grep -q -- "$pat" <<<"$scr" && { [[ -z $anti ]] || ! grep -q -- "$anti" <<<"$scr"; }; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		if (($(now_ms) - t0 > timeout)); then
			echo "timeout"
			return 1
		fi
		sleep 0.005
	done
}

# browser N: the browser's first full screen, a search and the next
# conversation, from the snapshot. N is the number of conversations.
browser() {
	local n=$1 s="bench-library-$$" cmd count first search next title
	count=$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$n") # 14410 → 14,410
	printf -v cmd '%q ' env "${SOURCE_ENV[@]}" "$BACKCHAT" --theme dark "${FLAGS[@]}" "${PATHS[@]}"
	local t0
	t0=$(now_ms)
	tmux new-session -d -s "$s" -x 160 -y 45 "$cmd"
	first=$(wait_screen "$s" 60000 " $count conversations" "Loading") || true
	[[ $first != timeout ]] && first=$(($(now_ms) - t0))
	# The second row's title (the first row is selected and shown on the right).
	title=$(tmux capture-pane -p -t "$s" | sed -n '5p' | awk -F'│' '{print $1}' | sed 's/^ *//; s/ *[★⊘◆⑂⌂]*$//; s/ *$//')
	tmux send-keys -t "$s" j
	next=$(wait_screen "$s" 10000 "│ ${title:0:40}") || true
	tmux send-keys -t "$s" / "$QUERY"
	search=$(wait_screen "$s" 60000 "of $count conversations match") || true
	tmux send-keys -t "$s" q
	sleep 0.5
	tmux kill-session -t "$s" 2>/dev/null || true
	printf '  browser  %s ms to the full list · search %s ms · next conversation %s ms\n' "$first" "$search" "$next"
}

echo "bench-library: $(uptime | sed 's/.*load average/load average/') · $(nproc) cores · MODE=$MODE · RUNS=$RUNS"
for file in "${files[@]}"; do
	size=$(stat -c %s "$file")
	echo "$(basename "$file") ($((size / 1000000)) MB)"
	if [[ ${SKIP_PYTHON:-} != 1 ]]; then
		SOURCE_ENV=()
		run "$WORK/py" "$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$file"
		read -r w u s m <"$WORK/py"
		printf '  %-8s %6.2f s wall  %6.2f s CPU  %6d MB RSS\n' python "$w" "$(echo "$u + $s" | bc)" $((m / 1024))
	fi
	setup_source "$file"
	# The same source as every figure below (the library's own load in
	# MODE=library), without snapshot.
	timed load "$BACKCHAT" --no-cache "${FLAGS[@]}" ls "${PATHS[@]}"
	load_wall=$LAST_WALL
	echo "  ($(echo "scale=2; $LAST_RSS_KB * 1024 / $size" | bc)× the JSON)"
	# Not under /usr/bin/time: it would hold the pipe open until the
	# process exits. The pipe's reader notes when the output ended.
	t0=$(now_ms)
	env "${SOURCE_ENV[@]}" "$BACKCHAT" "${FLAGS[@]}" ls "${PATHS[@]}" 2>"$WORK/first.err" | { cat >/dev/null; now_ms >"$WORK/eof"; }
	t_exit=$(($(now_ms) - t0))
	t_eof=$(($(cat "$WORK/eof") - t0))
	# The snapshot is written by a detached process (cmd/backchat/
	# snapwriter.go) after the command exits: wait until it is in place
	# and no writer runs.
	while pgrep -f "__write-snapshot --to $SNAP_DIR" >/dev/null ||
		[[ -z $(find "$SNAP_DIR" \( -name '*.snap' -o -name 'snapshot-*' \) 2>/dev/null) ]]; do
		if (($(now_ms) - t0 > 600000)); then
			echo "bench-library: no snapshot under $SNAP_DIR 10 minutes after the first ls" >&2
			exit 1
		fi
		sleep 0.05
	done
	t_snap=$(($(now_ms) - t0))
	snap=$(find "$SNAP_DIR" \( -name '*.snap' -o -name 'snapshot-*' \) -printf '%s %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2)
	if [[ -z $snap ]]; then
		echo "bench-library: no snapshot under $SNAP_DIR" >&2
		exit 1
	fi
	ssize=$(stat -c %s "$snap")
	printf '  %-8s output ends %d ms (%s× load), exits %d ms (%s× load), snapshot in place %d ms  snapshot %d MB = %s× the JSON\n' first "$t_eof" \
		"$(echo "scale=2; $t_eof / ($load_wall * 1000)" | bc)" "$t_exit" "$(echo "scale=2; $t_exit / ($load_wall * 1000)" | bc)" \
		"$t_snap" $((ssize / 1000000)) "$(echo "scale=3; $ssize / $size" | bc)"
	if [[ -n ${SEARCHBENCH:-} ]]; then
		"$SEARCHBENCH" -n 1 -only miss -snapshot "$WORK/sb.snap" "$file" | sed -n 's/^/  browser-path /; /load alone\|index build\|snapshot write/p'
		rm -f "$WORK/sb.snap"
	fi

	timed reopen "$BACKCHAT" "${FLAGS[@]}" ls "${PATHS[@]}"
	echo "  ($(echo "scale=2; $LAST_RSS_KB * 1024 / $size" | bc)× the JSON)"
	timed search "$BACKCHAT" "${FLAGS[@]}" search --limit 20 "${PATHS[@]}" "$QUERY"
	echo
	# The conversation with the most messages.
	id=$(env "${SOURCE_ENV[@]}" "$BACKCHAT" "${FLAGS[@]}" ls --json "${PATHS[@]}" |
		sed -n 's/.*"id":"\([^"]*\)".*"messages":\([0-9]*\).*/\2 \1/p' | sort -n | tail -1 | cut -d' ' -f2)
	timed show "$BACKCHAT" "${FLAGS[@]}" show "${PATHS[@]}" "$id"
	echo
	n=$(env "${SOURCE_ENV[@]}" "$BACKCHAT" "${FLAGS[@]}" ls --json "${PATHS[@]}" | wc -l)
	browser "$n"
	rm -f "$snap"
done
