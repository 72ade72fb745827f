// Limits a client cannot talk its way past: the terminal size a session may
// claim, and the channel requests the SSH library would otherwise leave
// unanswered.

package serve

import (
	"encoding/binary"

	tea "charm.land/bubbletea/v2"
)

// Defaults for the largest terminal a session may claim. A session's cost
// grows with its cell count: the renderer keeps a cell buffer of the whole
// screen and the browser lays out and renders text for its width, so an
// unbounded size lets one authorized client (`stty cols 4000 rows 4000`, or
// a client asking for 10000×10000) exhaust the server's memory and take
// every session with it. 500×300 is wider and taller than any real screen at
// a readable font size.
const (
	DefaultMaxWidth  = 500
	DefaultMaxHeight = 300
)

// sshWindowLen is the size of an SSH window description: columns, rows,
// pixel width and pixel height, each a uint32 (RFC 4254 §6.2 and §6.7).
const sshWindowLen = 16

// clampWindowAt limits the window description at p[off:] to maxW columns and
// maxH rows, in place, scaling the pixel sizes by the same factor. It
// returns the size asked for and whether it changed anything. A payload too
// short to hold a window is left alone: the SSH library refuses it (it
// reads the same offsets).
func clampWindowAt(p []byte, off, maxW, maxH int) (cols, rows uint32, changed bool) {
	if off < 0 || len(p) < off+sshWindowLen {
		return 0, 0, false
	}
	w := p[off:]
	cols, rows = binary.BigEndian.Uint32(w[0:]), binary.BigEndian.Uint32(w[4:])
	if maxW > 0 && uint64(cols) > uint64(maxW) {
		px := uint64(binary.BigEndian.Uint32(w[8:]))
		binary.BigEndian.PutUint32(w[0:], uint32(maxW))
		binary.BigEndian.PutUint32(w[8:], uint32(px*uint64(maxW)/uint64(cols)))
		changed = true
	}
	if maxH > 0 && uint64(rows) > uint64(maxH) {
		px := uint64(binary.BigEndian.Uint32(w[12:]))
		binary.BigEndian.PutUint32(w[4:], uint32(maxH))
		binary.BigEndian.PutUint32(w[12:], uint32(px*uint64(maxH)/uint64(rows)))
		changed = true
	}
	return cols, rows, changed
}

// clampPtyRequest limits the window of a "pty-req" payload (TERM string,
// then the window, then the modes) in place.
func clampPtyRequest(p []byte, maxW, maxH int) (cols, rows uint32, changed bool) {
	if len(p) < 4 {
		return 0, 0, false
	}
	n := binary.BigEndian.Uint32(p)
	if uint64(n) > uint64(len(p)-4) {
		return 0, 0, false
	}
	return clampWindowAt(p, 4+int(n), maxW, maxH)
}

// clampWindowChange limits a "window-change" payload in place.
func clampWindowChange(p []byte, maxW, maxH int) (cols, rows uint32, changed bool) {
	return clampWindowAt(p, 0, maxW, maxH)
}

// clampSize limits a width and height to the configured maximum.
func clampSize(w, h, maxW, maxH int) (int, int) {
	if maxW > 0 && w > maxW {
		w = maxW
	}
	if maxH > 0 && h > maxH {
		h = maxH
	}
	return w, h
}

// programFilter returns the filter every session's program runs with. It
// clamps every tea.WindowSizeMsg, whatever its source: the SSH window
// changes are clamped before they get here, but the client's own input
// stream may carry a terminal size report (CSI 8;rows;cols t, or the
// in-band resize report CSI 48;...t) that Bubble Tea turns into a
// WindowSizeMsg, and Bubble Tea's own plausibility check admits up to
// 4096 columns or rows. It also keeps what wish's MakeOptions filter does
// (a suspend becomes a resume: there is no process to stop over SSH),
// because a program has a single filter and this one replaces wish's.
func programFilter(maxW, maxH int) func(tea.Model, tea.Msg) tea.Msg {
	return func(_ tea.Model, msg tea.Msg) tea.Msg {
		switch m := msg.(type) {
		case tea.WindowSizeMsg:
			m.Width, m.Height = clampSize(m.Width, m.Height, maxW, maxH)
			return m
		case tea.SuspendMsg:
			return tea.ResumeMsg{}
		}
		return msg
	}
}
