# tmux-control.sh — sourced by the bench scripts that poll a screen
# through one tmux control-mode client (bench-browser.sh, bench-rss.sh,
# bench-reopen.sh): the client's output is read on fd ${ctl[0]}, commands
# are written to ${ctl[1]} (a coproc named ctl).

# block reads the output of the next command answered on the control
# client into $screen; it fails when the client is gone.
block() {
	local line inblk=0
	screen=""
	while IFS= read -r line <&"${ctl[0]}"; do
		case $line in
		%begin*) inblk=1 screen="" ;;
		%end* | %error*) ((inblk)) && return 0 ;;
		%*) ;;
		*) ((inblk)) && screen+=$line$'\n' ;;
		esac
	done
	return 1
}

# capture [FIRST LAST] captures session $sess's screen into $screen, or only
# its rows FIRST to LAST (0-based): bash reads the answer a byte at a time,
# and the whole screen every few milliseconds takes CPU from the program
# being timed. With CAPTURE_DEBUG set, the last capture is kept there.
capture() {
	echo "capture-pane -p -t $sess${1:+ -S $1 -E $2}" >&"${ctl[1]}"
	block || { echo "$(basename "$0"): the tmux control client ended" >&2; exit 1; }
	if [[ -n ${CAPTURE_DEBUG:-} ]]; then printf "%s" "$screen" >"$CAPTURE_DEBUG"; fi
}
