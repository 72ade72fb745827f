#!/usr/bin/env bash
# Hostile-terminal torture test for `backchat serve`, loopback only.
#
# Starts `backchat serve` on 127.0.0.1 with a throw-away host key and
# authorized key, then, for each case below, connects with the real OpenSSH
# client (`ssh -tt`) from inside a pseudo-terminal whose size was set with
# `stty cols C rows R`, so ssh asks the server for that PTY size:
#
#   pty-4000x4000     the PTY request itself is 4000x4000
#   winch-10000       starts at 80x24, then the terminal grows to 10000x10000
#                     (ssh sends a window-change)
#   report-4000x250   starts at 80x24, then a size report (CSI 8;250;4000 t)
#                     is typed into the session, as a hostile client could
#   16x-pty-4000x4000 sixteen such sessions at once (the default session
#                     limit; SESSIONS=N to change), for the memory budget
#
# Each case waits for the browser, presses q and waits for ssh to end. It
# prints, per case: ssh's exit code, whether the server is still alive, the
# size the session started with and the sizes the server capped (both from
# its log), the server's peak RSS so far (VmHWM) and the wall time. Exit status: 0 when the server
# survived every case, 1 otherwise.
#
# Environment:
#   BACKCHAT_BIN   the backchat binary (default: go build ./cmd/backchat)
#   ARCHIVE        export(s) to serve, space-separated (default: --demo)
#   MAX_SIZE       passed as --max-size when set (e.g. 500x300)
#   MEM_LIMIT_MB   when set, the server runs under `ulimit -v` of that many
#                  MiB, so that an unpatched binary dies alone instead of
#                  dragging the machine into swap or the OOM killer
#
# Needs ssh, ssh-keygen and script (util-linux).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in ssh ssh-keygen script; do
	command -v "$tool" >/dev/null 2>&1 || { echo "torture-ssh: $tool is not installed" >&2; exit 1; }
done

TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		sleep 0.5
		kill -KILL "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 130" INT TERM

BIN="${BACKCHAT_BIN:-}"
if [ -z "$BIN" ]; then
	go build -o "$TMP/backchat" ./cmd/backchat
	BIN="$TMP/backchat"
fi
# shellcheck disable=SC2206 # ARCHIVE is a space-separated list on purpose.
ARCHIVE_ARGS=(${ARCHIVE:-})
[ ${#ARCHIVE_ARGS[@]} -gt 0 ] || ARCHIVE_ARGS=(--demo)
EXTRA=()
[ -n "${MAX_SIZE:-}" ] && EXTRA=(--max-size "$MAX_SIZE")

ssh-keygen -q -t ed25519 -N '' -C torture -f "$TMP/id_ed25519"
cp "$TMP/id_ed25519.pub" "$TMP/authorized_keys"
chmod 600 "$TMP/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

(
	[ -n "${MEM_LIMIT_MB:-}" ] && ulimit -v $((MEM_LIMIT_MB * 1024))
	export XDG_STATE_HOME="$TMP/state"
	exec "$BIN" --debug --theme dark serve --listen "127.0.0.1:$PORT" --host-key "$TMP/host_ed25519" \
		--authorized-keys "$TMP/authorized_keys" ${EXTRA[@]+"${EXTRA[@]}"} "${ARCHIVE_ARGS[@]}"
) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
	grep -q "listening" "$TMP/server.log" 2>/dev/null && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; echo "torture-ssh: server did not start" >&2; exit 1; }
	sleep 0.1
done
grep -q "listening" "$TMP/server.log" || { echo "torture-ssh: server not listening after 60 s" >&2; exit 1; }

alive() { kill -0 "$SERVER_PID" 2>/dev/null && echo yes || echo no; }
peak_rss() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "-"; }
now_ms() { date +%s%3N; }

SSH="ssh -F /dev/null -p $PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
 -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR -i $TMP/id_ed25519 -tt t@127.0.0.1"

# run_case NAME COLS ROWS ACTION: ACTION is "none", "winch C R" or "report C R".
run_case() {
	local name=$1 cols=$2 rows=$3 action=$4
	local fifo="$TMP/in-$name" out="$TMP/out-$name" rcfile="$TMP/rc-$name"
	local lines_before start end rc got
	mkfifo "$fifo"
	lines_before=$(wc -l <"$TMP/server.log")
	start=$(now_ms)
	# script gives ssh a terminal; stty sets its size before ssh reads it.
	# A later `stty` on the same terminal makes the kernel send SIGWINCH.
	script -qfec "stty cols $cols rows $rows; $SSH; echo \$? >$rcfile" /dev/null <"$fifo" >"$out" 2>&1 &
	local spid=$!
	exec 3>"$fifo"
	# Wait for the session to connect (the server logs it), then act.
	for _ in $(seq 1 200); do
		tail -n +"$((lines_before + 1))" "$TMP/server.log" | grep -q "session terminal" && break
		sleep 0.05
	done
	sleep 1
	case $action in
	winch\ *)
		set -- $action
		local pts
		pts=$(ps -o tty= -p "$(pgrep -P "$spid" | head -n1)" 2>/dev/null | tr -d ' ')
		[ -n "$pts" ] && stty -F "/dev/$pts" cols "$2" rows "$3" 2>/dev/null || true
		sleep 1
		;;
	report\ *)
		set -- $action
		printf '\033[8;%s;%st' "$3" "$2" >&3
		sleep 1
		;;
	esac
	printf q >&3
	for _ in $(seq 1 200); do
		[ -s "$rcfile" ] && break
		sleep 0.05
	done
	exec 3>&-
	wait "$spid" 2>/dev/null || true
	end=$(now_ms)
	rc=$(cat "$rcfile" 2>/dev/null || echo "none")
	local log
	log=$(tail -n +"$((lines_before + 1))" "$TMP/server.log")
	got=$(echo "$log" | sed -n 's/.*session terminal.* width=\([0-9]*\) height=\([0-9]*\).*/\1x\2/p' | head -n1)
	capped=$(echo "$log" | sed -n 's/.*terminal size capped.* request=\([a-z-]*\) asked=\([0-9x]*\).*/\1 \2/p' | tr '\n' ';')
	printf '%-17s %-9s %-6s %-9s %-38s %-9s %s ms\n' "$name" "$rc" "$(alive)" "${got:-?}" "${capped:-none}" "$(peak_rss)" "$((end - start))"
}

# run_many N COLS ROWS: N sessions at once, all asking for COLSxROWS.
run_many() {
	local n=$1 cols=$2 rows=$3 name="${1}x-pty-${2}x${3}"
	local lines_before start end i ok=0 pids=()
	lines_before=$(wc -l <"$TMP/server.log")
	start=$(now_ms)
	for i in $(seq 1 "$n"); do
		mkfifo "$TMP/many-in-$i"
		script -qfec "stty cols $cols rows $rows; $SSH; echo \$? >$TMP/many-rc-$i" /dev/null <"$TMP/many-in-$i" >/dev/null 2>&1 &
		pids+=($!)
		eval "exec $((10 + i))>\"$TMP/many-in-$i\""
	done
	for _ in $(seq 1 400); do
		[ "$(tail -n +"$((lines_before + 1))" "$TMP/server.log" | grep -c 'session terminal')" -ge "$n" ] && break
		sleep 0.05
	done
	sleep 2
	local rss
	rss=$(peak_rss)
	for i in $(seq 1 "$n"); do
		printf q >&$((10 + i))
	done
	for i in $(seq 1 "$n"); do
		eval "exec $((10 + i))>&-"
	done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	end=$(now_ms)
	for i in $(seq 1 "$n"); do [ "$(cat "$TMP/many-rc-$i" 2>/dev/null)" = 0 ] && ok=$((ok + 1)); done
	local got
	got=$(tail -n +"$((lines_before + 1))" "$TMP/server.log" | sed -n 's/.*session terminal.* width=\([0-9]*\) height=\([0-9]*\).*/\1x\2/p' | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}')
	printf '%-17s %-9s %-6s %-9s %-38s %-9s %s ms\n' "$name" "$ok/$n ok" "$(alive)" "${got:-?}" "-" "$rss" "$((end - start))"
}

echo "server: $BIN ${ARCHIVE_ARGS[*]} on 127.0.0.1:$PORT${MAX_SIZE:+ --max-size $MAX_SIZE}${MEM_LIMIT_MB:+ (ulimit -v ${MEM_LIMIT_MB} MiB)}"
echo "server RSS after load: $(peak_rss)"
printf '%-17s %-9s %-6s %-9s %-38s %-9s %s\n' case ssh-exit alive "start" "capped (request asked)" peak-RSS wall
run_case pty-4000x4000 4000 4000 none
if [ "$(alive)" = yes ]; then run_case winch-10000 80 24 "winch 10000 10000"; fi
if [ "$(alive)" = yes ]; then run_case report-4000x250 80 24 "report 4000 250"; fi
if [ "$(alive)" = yes ]; then run_many "${SESSIONS:-16}" 4000 4000; fi
if [ "$(alive)" = no ]; then
	echo "server died: $(grep -m1 -E '^(fatal error|panic):' "$TMP/server.log" || tail -n 1 "$TMP/server.log")"
	exit 1
fi
exit 0
