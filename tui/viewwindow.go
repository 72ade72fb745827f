// Windowing of long threads: only the messages around the view have
// segments.

package tui

import (
	"sort"

	"github.com/backchat/backchat/model"
)

// Windowing: a thread longer than windowThreshold gets segments only for
// windowMsgs messages around the view. Building a segment styles its role
// line, and every render that arrives re-joins all lines and re-plans the
// renders of every segment, so with every message of a 1,000,000-message
// thread in segments opening it took ~11 s and the background renders kept
// a core busy for hours. The window slides when the view comes within
// windowMargin screens of its edge; g and G jump to the ends; rebuild(keep)
// moves it to keep.
const (
	windowThreshold = 800
	windowMsgs      = 400
	windowMargin    = 2
)

// windowed reports whether only part of the thread has segments.
func (v *viewer) windowed() bool { return len(v.thread) > windowThreshold }

// threadIndex returns the position of node n in the thread, or -1; it looks
// in the window first.
func (v *viewer) threadIndex(n int32) int {
	lo, hi := min(v.winLo, len(v.thread)), min(v.winHi, len(v.thread))
	for i := lo; i < hi; i++ {
		if v.thread[i] == n {
			return i
		}
	}
	for i, t := range v.thread {
		if t == n {
			return i
		}
	}
	return -1
}

// placeWindow sets winLo and winHi before a rebuild: the whole thread when
// it is short; otherwise the current window when it is valid and holds
// keep (model.NoNode: any), else windowMsgs messages centred on keep (or
// from the top).
func (v *viewer) placeWindow(keep int32) {
	n := len(v.thread)
	if !v.windowed() {
		v.winLo, v.winHi = 0, n
		return
	}
	valid := v.winLo >= 0 && v.winLo < v.winHi && v.winHi <= n
	if valid && keep == model.NoNode {
		return
	}
	at := 0
	if keep != model.NoNode {
		if at = v.threadIndex(keep); at < 0 {
			at = 0
		} else if valid && at >= v.winLo && at < v.winHi {
			return
		}
	}
	v.centreWindow(at)
}

// centreWindow puts windowMsgs messages around thread position at.
func (v *viewer) centreWindow(at int) {
	n := len(v.thread)
	v.winLo = max(min(at-windowMsgs/2, n-windowMsgs), 0)
	v.winHi = min(v.winLo+windowMsgs, n)
}

// slide moves the window when the view has come near one of its edges,
// keeping the same line at the top of the view.
func (v *viewer) slide() {
	if !v.windowed() || len(v.segs) == 0 {
		return
	}
	margin := windowMargin * max(v.height, 1)
	nearTop := v.offset < margin && v.winLo > 0
	nearBottom := v.offset+v.height > len(v.lines)-margin && v.winHi < len(v.thread)
	if !nearTop && !nearBottom {
		return
	}
	i := v.segAt(v.offset)
	top, within := v.segs[i].node, v.offset-v.starts[i]
	at := v.threadIndex(top)
	if top == model.NoNode || at < 0 {
		return
	}
	v.centreWindow(at)
	v.rebuild(top)
	v.offset += within
	v.clamp()
}

// reveal makes sure node n has a segment, moving the window to it.
func (v *viewer) reveal(n int32) {
	if !v.windowed() || n == model.NoNode {
		return
	}
	if i := v.threadIndex(n); i >= 0 && (i < v.winLo || i >= v.winHi) {
		v.centreWindow(i)
		v.rebuild(n)
	}
}

// hitBeyondWindow moves n (+1) or N (−1) past the window's edge: when the
// hits in the window are used up in that direction (or there are none), it
// looks for the next message with a hit in the rest of the thread, wrapping
// around, moves the window there and selects that message's first (or
// last) hit. It reports whether it did; false leaves the hits in the
// window to wrap as usual.
func (v *viewer) hitBeyondWindow(delta int) bool {
	if !v.windowed() || len(v.terms) == 0 {
		return false
	}
	if len(v.hits) > 0 {
		next := v.curHit + delta
		if v.curHit < 0 {
			next = sort.Search(len(v.hits), func(i int) bool { return v.hits[i].line >= v.offset })
			if delta < 0 {
				next--
			}
		}
		if next >= 0 && next < len(v.hits) {
			return false
		}
	}
	n := len(v.thread)
	start := v.winHi
	if delta < 0 {
		start = v.winLo - 1
	}
	for k := 0; k < n-(v.winHi-v.winLo); k++ {
		i := ((start+k*delta)%n + n) % n
		if i >= v.winLo && i < v.winHi {
			continue
		}
		node := v.thread[i]
		if !v.nodeHasHit(node) {
			continue
		}
		v.centreWindow(i)
		v.rebuild(node)
		v.realiseMatching()
		v.findHits()
		return v.landOnNode(node, delta)
	}
	return false
}

// nodeHasHit reports whether node n's message is shown and holds a hit, by
// the search engine's list when known, else by matching its text.
func (v *viewer) nodeHasHit(n int32) bool {
	if n < 0 || int(n) >= len(v.conv.Tree()) {
		return false
	}
	m := v.conv.Tree()[n].Msg
	if m == nil {
		return false
	}
	maxVis := model.Folded
	if v.showHidden {
		maxVis = model.Hidden
	}
	if m.Visibility > maxVis || m.Visibility == model.Folded && !v.itemOpen(n) {
		return false // not shown, or shown as a summary without its text
	}
	if v.hitNodes != nil {
		return v.hitNodes[n]
	}
	return messageHas(m, v.matchers)
}

// jumpToEnd shows the first (top) or last (!top) part of the thread.
func (v *viewer) jumpToEnd(top bool) {
	if v.windowed() {
		if top && v.winLo > 0 {
			v.centreWindow(0)
			v.rebuild(model.NoNode)
		} else if !top && v.winHi < len(v.thread) {
			v.centreWindow(len(v.thread))
			v.rebuild(model.NoNode)
		}
	}
	if top {
		v.offset = 0
	} else {
		v.offset = v.maxOffset()
	}
}
