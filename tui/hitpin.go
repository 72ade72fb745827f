package tui

// hitPin is the current hit as its message and rank among that message's
// hits, kept while the segments change under the hit index: a rebuild (a
// resize renders every message again at the new width, first from the
// cache or as placeholders holding other hits) or a render that lands
// (a placeholder's hits replaced by the rendered message's). The index
// alone would then name another hit ("hit 4/12" turning into "hit in
// title"); the pin makes the same hit current again in every collectHits
// until its message is rendered.
type hitPin struct {
	on   bool
	node int32 // the hit's message
	nth  int   // how many of its hits come before it
	cur  int   // v.curHit as the pin last set it: changed, the user moved
	// scroll: the pinned hit was found again in its rendered message and
	// is to be brought on screen when the rebuild or landing is done,
	// unless the user moved the view meanwhile (userMoved).
	scroll bool
}

// pinCurHit pins the current hit before the segments change. A pin still
// waiting for its message (a second resize before the first's renders
// landed) stays as it is; again (rebuild: the top is placed anew) asks
// for the hit to be scrolled to once found.
func (v *viewer) pinCurHit(again bool) {
	if v.pin.on && v.pin.cur == v.curHit {
		v.pin.scroll = v.pin.scroll || again
		return
	}
	v.pin = hitPin{}
	if node, nth := v.curHitPlace(); nth >= 0 {
		v.pin = hitPin{on: true, node: node, nth: nth, cur: v.curHit, scroll: again}
	}
}

// applyPin makes the pinned hit current again in the hits just collected,
// and lets go of the pin once the hit's message is rendered, or when the
// segments no longer hold the message (the window moved off it: no hit).
func (v *viewer) applyPin() {
	p := &v.pin
	if !p.on {
		return
	}
	if v.curHit != p.cur {
		*p = hitPin{} // moved by the user (n, N, a new answer)
		return
	}
	seg := v.segOf(p.node)
	if seg < 0 {
		v.curHit, *p = -1, hitPin{}
		return
	}
	v.curHit = -1
	nth := p.nth
	for i := range v.hits {
		if v.hitNode(i) == p.node {
			if nth == 0 {
				v.curHit = i
				break
			}
			nth--
		}
	}
	p.cur = v.curHit
	if v.segs[seg].rendered && (v.curHit >= 0 || v.segs[seg].realised) {
		p.on = false // p.scroll stays for scrollToPinned
	}
}

// scrollToPinned brings the pinned hit on screen once it is found again
// in its rendered message (the rebuild kept only its top message at the
// top), when it is off screen.
func (v *viewer) scrollToPinned() {
	if v.pin.on || !v.pin.scroll {
		return
	}
	v.pin.scroll = false
	if v.curHit < 0 || v.curHit >= len(v.hits) {
		return
	}
	v.scrollToHit()
}

// userMoved is a scroll or move of the user's (a key, the wheel): the
// view stays where the user put it when the pinned hit's message lands
// (its render after a resize), instead of scrolling back to the hit; the
// hit stays the current one. n and N choose another hit (applyPin).
func (v *viewer) userMoved() { v.pin.scroll = false }
