#!/usr/bin/env bash
# End-to-end test of `serve` with the real OpenSSH client, the way a person
# uses it: ssh in tmux (80x24), wait for the browser's title, press q, check
# ssh exited and the server kept running; then connect again and stop the
# server with SIGTERM mid-session, checking the session is told and the
# server exits cleanly within 5 s. Also checks that a stranger's key is
# refused, that only publickey auth is offered, and that exec is refused.
#
# Environment:
#   BACKCHAT_BIN  binary with a `serve` subcommand (default: builds
#                 cmd/backchat-serve-fixture)
#   ARCHIVE       path(s) passed after the flags, space-separated (default none)
#   E2E_TITLE     text expected on screen (default "Fixture Conversation Title")
#   E2E_FILTER    optional: typed after "/" in the browser; then
#   E2E_EXPECT    must appear on screen (e.g. "1 of 3 conversations match")
#
# Needs tmux, ssh and ssh-keygen (openssh-client), and go when building the
# fixture. Exits non-zero with a message on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in tmux ssh ssh-keygen; do
	command -v "$tool" >/dev/null 2>&1 || { echo "e2e-ssh: FAIL: $tool is not installed" >&2; exit 1; }
done

TMP=$(mktemp -d)
SOCK="$TMP/tmux.sock"
SERVER_PID=""
TITLE="${E2E_TITLE:-Fixture Conversation Title}"

cleanup() {
	tmux -S "$SOCK" kill-server >/dev/null 2>&1 || true
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 130" INT TERM

fail() {
	echo "e2e-ssh: FAIL: $*" >&2
	if tmux -S "$SOCK" has-session 2>/dev/null; then
		echo "--- screen ---" >&2
		tmux -S "$SOCK" capture-pane -p -t e2e >&2 || true
	fi
	if [ -f "$TMP/server.log" ]; then
		echo "--- server log ---" >&2
		cat "$TMP/server.log" >&2
	fi
	exit 1
}

step() { echo "e2e-ssh: $*"; }

# --- binary -----------------------------------------------------------------
BIN="${BACKCHAT_BIN:-}"
if [ -z "$BIN" ]; then
	command -v go >/dev/null 2>&1 || fail "go is needed to build the fixture server"
	step "building cmd/backchat-serve-fixture"
	go build -o "$TMP/backchat-serve-fixture" ./cmd/backchat-serve-fixture || fail "build failed"
	BIN="$TMP/backchat-serve-fixture"
fi
[ -x "$BIN" ] || fail "BACKCHAT_BIN=$BIN is not executable"
# shellcheck disable=SC2206 # ARCHIVE is a space-separated list on purpose.
ARCHIVE_ARGS=(${ARCHIVE:-})

# --- keys -------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C e2e-client -f "$TMP/id_ed25519"
ssh-keygen -q -t ed25519 -N '' -C e2e-stranger -f "$TMP/stranger"
{ echo "# e2e authorized keys"; echo; cat "$TMP/id_ed25519.pub"; } >"$TMP/authorized_keys"
chmod 600 "$TMP/authorized_keys"

free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
	else
		echo $((20000 + RANDOM % 40000))
	fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- server -----------------------------------------------------------------
start_server() {
	local attempt
	for attempt in 1 2 3 4 5; do
		PORT=$(free_port)
		"$BIN" serve --listen "127.0.0.1:$PORT" --host-key "$TMP/host/host_ed25519" \
			--authorized-keys "$TMP/authorized_keys" ${ARCHIVE_ARGS[@]+"${ARCHIVE_ARGS[@]}"} \
			>"$TMP/server.log" 2>&1 &
		SERVER_PID=$!
		for _ in $(seq 1 200); do
			if port_open "$PORT"; then return 0; fi
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$SERVER_PID" 2>/dev/null; then fail "server not listening on $PORT after 10 s"; fi
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=""
		grep -q "address already in use" "$TMP/server.log" || fail "server exited at start (attempt $attempt)"
	done
	fail "could not find a free port"
}

step "starting $BIN serve"
start_server
SSH_OPTS=(-F /dev/null -p "$PORT" -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=$TMP/known_hosts"
	-o IdentitiesOnly=yes -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no
	-o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR)
FP=$(grep -o 'host_key_fingerprint=SHA256:[A-Za-z0-9+/=]*' "$TMP/server.log" | head -n1 | cut -d= -f2-)
[ -n "$FP" ] || fail "server did not log its host key fingerprint"
step "server on 127.0.0.1:$PORT, host key $FP"

# --- refusals (no terminal needed) -------------------------------------------
step "stranger's key is refused, only publickey is offered"
out=$(ssh "${SSH_OPTS[@]}" -i "$TMP/stranger" -T e2e@127.0.0.1 true 2>&1) && fail "stranger's key was let in"
echo "$out" | grep -q "Permission denied (publickey)" || fail "unexpected refusal for stranger: $out"

step "exec is refused with a message and exit status 1"
set +e
out=$(ssh "${SSH_OPTS[@]}" -i "$TMP/id_ed25519" -T e2e@127.0.0.1 cat /etc/passwd 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || fail "exec exit status $rc, want 1 ($out)"
echo "$out" | grep -q "commands are not accepted" || fail "exec refusal message missing: $out"

# The first connection recorded the host key; it must be the one the server printed.
KNOWN_FP=$(ssh-keygen -l -f "$TMP/known_hosts" | awk '{print $2}' | head -n1)
[ "$KNOWN_FP" = "$FP" ] || fail "known_hosts has $KNOWN_FP, server printed $FP"

# --- interactive session in tmux ------------------------------------------------
printf 'set -g remain-on-exit on\nset -g status off\nset -g default-terminal xterm-256color\n' >"$TMP/tmux.conf"
SSH_CMD="ssh ${SSH_OPTS[*]} -tt -i $TMP/id_ed25519 e2e@127.0.0.1"

screen() { tmux -S "$SOCK" capture-pane -p -t "$1"; }

wait_screen() { # target text timeout_seconds
	local i
	for i in $(seq 1 $(($3 * 20))); do
		screen "$1" | grep -qF "$2" && return 0
		sleep 0.05
	done
	return 1
}

# ssh's exit status, written by the pane's wrapper shell when ssh ends
# (tmux's own #{pane_dead_status} is not always filled in by tmux 3.3).
ssh_in_tmux() { # status-file
	echo "$SSH_CMD; echo \$? >$1"
}

wait_exit() { # status-file timeout_seconds
	local i
	for i in $(seq 1 $(($2 * 20))); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

step "ssh -tt in tmux (80x24): waiting for \"$TITLE\""
tmux -S "$SOCK" -f "$TMP/tmux.conf" new-session -d -s e2e -x 80 -y 24 "$(ssh_in_tmux "$TMP/exit1")"
wait_screen e2e "$TITLE" 10 || fail "title not on screen within 10 s"
if [ -z "${BACKCHAT_BIN:-}" ]; then
	wait_screen e2e "size 80x24" 2 || fail "fixture did not get the 80x24 PTY size"
fi

if [ -n "${E2E_FILTER:-}" ]; then
	step "filtering: / $E2E_FILTER, waiting for \"$E2E_EXPECT\""
	tmux -S "$SOCK" send-keys -t e2e /
	tmux -S "$SOCK" send-keys -t e2e -l "$E2E_FILTER"
	wait_screen e2e "$E2E_EXPECT" 10 || fail "filter result not on screen within 10 s"
	tmux -S "$SOCK" send-keys -t e2e Escape
	# A lone ESC is only known to be a key once no sequence follows it: an
	# immediate q would arrive as alt+q.
	sleep 0.5
fi

step "pressing q"
tmux -S "$SOCK" send-keys -t e2e q
wait_exit "$TMP/exit1" 5 || fail "ssh still running 5 s after q"
status=$(cat "$TMP/exit1")
[ "$status" = 0 ] || fail "ssh exited with status $status after q, want 0"
kill -0 "$SERVER_PID" 2>/dev/null || fail "server died after the session ended"

step "second session, then SIGTERM: it must be told and the server must exit within 5 s"
tmux -S "$SOCK" new-window -t e2e -n drain "$(ssh_in_tmux "$TMP/exit2")"
wait_screen e2e:drain "$TITLE" 10 || fail "title not on screen in the second session"
kill -TERM "$SERVER_PID"
stopped=""
for _ in $(seq 1 100); do
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then stopped=1; break; fi
	sleep 0.05
done
[ -n "$stopped" ] || fail "server still running 5 s after SIGTERM"
set +e
wait "$SERVER_PID"
rc=$?
set -e
SERVER_PID=""
[ "$rc" = 0 ] || fail "server exit status $rc after SIGTERM, want 0"
wait_screen e2e:drain "server shutting down" 5 || fail "session was not told the server is shutting down"
wait_exit "$TMP/exit2" 5 || fail "ssh still running 5 s after the server stopped"

step "PASS"
