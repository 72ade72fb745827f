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
