// Hits on every branch: the search engine's hits (AllHits) cover the whole
// tree of a conversation, the viewer shows one thread; n/N walk the hits of
// every branch, switching thread as needed, and "hit k/N" counts them all.

package tui

import (
	"sort"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// setHitOrder records the nodes of the engine's hits in tree order (the
// header first, then depth first: a thread's messages in thread order, a
// fork's branches one after the other) and how many hits each holds.
func (v *viewer) setHitOrder(hits []live.Hit) {
	v.hitCount = make(map[int32]int, len(hits))
	for _, h := range hits {
		v.hitCount[h.Node]++
	}
	v.hitOrder = v.hitOrder[:0]
	for n := range v.hitCount {
		v.hitOrder = append(v.hitOrder, n)
	}
	rank := treeRank(v.conv)
	sort.Slice(v.hitOrder, func(a, b int) bool {
		return rankOf(rank, v.hitOrder[a]) < rankOf(rank, v.hitOrder[b])
	})
}

func rankOf(rank []int32, n int32) int32 {
	if n < 0 || int(n) >= len(rank) {
		return -1 // the title, before every message
	}
	return rank[n]
}

// treeRank numbers the nodes of c depth first (children in the order the
// export gives them); nodes off every root, as in a cycle, come last.
func treeRank(c *model.Conversation) []int32 {
	rank := make([]int32, len(c.Tree()))
	for i := range rank {
		rank[i] = -1
	}
	next := int32(0)
	var stack []int32
	for i := len(c.Tree()) - 1; i >= 0; i-- {
		if p := c.Tree()[i].Parent; p < 0 || int(p) >= len(c.Tree()) {
			stack = append(stack, int32(i))
		}
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if rank[n] >= 0 {
			continue
		}
		rank[n] = next
		next++
		kids := c.Tree()[n].Children()
		for i := len(kids) - 1; i >= 0; i-- {
			if k := kids[i]; k >= 0 && int(k) < len(c.Tree()) && rank[k] < 0 {
				stack = append(stack, k)
			}
		}
	}
	for i := range rank {
		if rank[i] < 0 {
			rank[i] = next
			next++
		}
	}
	return rank
}

// hitRank is the number (from 0) of the current hit among the hits in
// messages and how many there are, and how many hits the title holds: the
// title's are not numbered (a result opens on its best hit in a message,
// which is then "hit 1/N", not "hit 2/N" behind a title hit the screen
// shows at the top anyway), and onTitle says the current hit is one of
// them. k is -1 when no message hit is current. With the engine's hits
// known it counts the hits of every branch: those on the thread on view
// as found in the text, the others as the engine counted them (a message
// shown folded or omitted counts none). A message on view not realised in
// full counts the hits of its Markdown not yet in lines (segCount).
func (v *viewer) hitRank() (k, total, title int, onTitle bool) {
	cur, curSeg, within := int32(0), -1, 0
	if v.curHit >= 0 && v.curHit < len(v.hits) {
		curSeg = v.segAt(v.hits[v.curHit].line)
		cur, within = v.curHitPlace()
	}
	k = -1
	if v.hitOrder == nil {
		before, after := v.offWindowHits()
		total = before
		for s := range v.segs {
			c := v.segCount(s)
			if v.segs[s].node == model.NoNode {
				title += c // the header's hits come first
				onTitle = onTitle || s == curSeg
				continue
			}
			if s == curSeg {
				k = total + within
			}
			total += c
		}
		return k, total + after, title, onTitle
	}
	shown := make(map[int32]int, len(v.segs))
	for s := range v.segs {
		shown[v.segs[s].node] += v.segCount(s)
	}
	for _, n := range v.hitOrder {
		c, ok := shown[n]
		if !ok && v.showsText(n) || v.folded(n) {
			// Off view, or a folded item, whose summary line shows as
			// many of its hits as the width lets it: n opens it.
			c = v.hitCount[n]
		}
		if n == model.NoNode {
			title += c
			onTitle = curSeg >= 0 && n == cur
			continue
		}
		if curSeg >= 0 && n == cur {
			k = total + within
		}
		total += c
	}
	return k, total, title, onTitle
}

// showsText reports whether node n's message would be shown in full (not
// omitted or folded to a summary), so its hits can be reached.
func (v *viewer) showsText(n int32) bool {
	if n == model.NoNode {
		return true
	}
	if n < 0 || int(n) >= len(v.conv.Tree()) {
		return false
	}
	return v.present(n, v.conv.Tree()[n].Msg) == render.InFull
}

// folded reports whether node n is a folded item shown as its summary: n
// and N reach its hits by opening it (goToHitNode), and hitRank counts
// them as the engine did, not as many as its summary line has room for.
func (v *viewer) folded(n int32) bool {
	if n < 0 || v.conv == nil || int(n) >= len(v.conv.Tree()) {
		return false
	}
	return v.present(n, v.conv.Tree()[n].Msg) == render.Summarised
}

// toThreadOf shows a thread through node n when n is not on the thread on
// view (a hit on another branch).
func (v *viewer) toThreadOf(n int32) {
	c := v.conv
	if c == nil || n < 0 || int(n) >= len(c.Tree()) || v.threadIndex(n) >= 0 {
		return
	}
	t := v.threadThrough(n)
	if len(t) == 0 {
		return
	}
	v.thread = t
	v.curHit, v.pin = -1, hitPin{}
	v.winLo, v.winHi = 0, 0
	v.rebuild(n)
	v.realiseMatching()
	v.findHits()
}

// hitAcrossBranches moves n (+1) or N (−1) to the next message in tree
// order holding a hit when the hits of the current message are used up in
// that direction, switching branch (and window) as needed. It reports
// whether it moved; false leaves the move to the thread's own hits (no
// engine hits known, or no hit chosen yet while the thread has some).
func (v *viewer) hitAcrossBranches(delta int) bool {
	order := v.hitOrder
	if len(order) == 0 || v.conv == nil {
		return false
	}
	from := -1
	if delta < 0 {
		from = len(order)
	}
	if v.curHit >= 0 {
		cur := v.hitNode(v.curHit)
		if next := v.curHit + delta; next >= 0 && next < len(v.hits) && v.hitNode(next) == cur {
			return false
		}
		for i, n := range order {
			if n == cur {
				from = i
			}
		}
	} else if len(v.hits) > 0 {
		return false
	}
	l := len(order)
	for k := 1; k <= l; k++ {
		if n := order[((from+k*delta)%l+l)%l]; (v.showsText(n) || v.folded(n)) && v.goToHitNode(n, delta) {
			return true
		}
	}
	return false
}

// goToHitNode selects the first (+1) or last (−1) hit in node n, showing
// its thread and window first and opening it when it is a folded item (as
// t does). It reports false when n shows no hit (a hidden message).
func (v *viewer) goToHitNode(n int32, delta int) bool {
	if n == model.NoNode {
		if v.windowed() && v.winLo > 0 {
			v.centreWindow(0)
			v.rebuild(model.NoNode)
		}
	} else {
		v.toThreadOf(n)
		v.reveal(n)
		if v.folded(n) {
			if v.toggled == nil {
				v.toggled = make(map[int32]bool)
			}
			v.toggled[n] = !v.toggled[n]
			v.keepTop()
		}
	}
	v.realiseMatching()
	v.findHits()
	return v.landOnNode(n, delta)
}

// landOnNode makes the first (delta > 0) or last hit in node n's message
// the current one and scrolls to it; false when n holds no hit on screen.
func (v *viewer) landOnNode(n int32, delta int) bool {
	v.realiseNode(n)
	pick := -1
	for i := range v.hits {
		if v.hitNode(i) == n {
			pick = i
			if delta > 0 {
				break
			}
		}
	}
	if pick < 0 {
		return false
	}
	v.curHit = pick
	v.scrollToHit()
	return true
}

// threadThrough is the thread to show through node n: the one last shown
// through it when a fork was switched away from it, else the one through
// its newest leaf.
func (v *viewer) threadThrough(n int32) model.Thread {
	if t, ok := v.memo[n]; ok {
		return t
	}
	return v.conv.ThreadThrough(n)
}
