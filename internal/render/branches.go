package render

import "github.com/backchat/backchat/model"

// Branch is one path to render: Thread[From:] is new, Thread[:From] is shared
// with an earlier branch. The first Branch is always the current thread with
// From 0.
type Branch struct {
	Thread model.Thread
	From   int // index into Thread where this branch leaves the earlier ones
	// Parent is the index (in the slice Branches returns) of the branch this
	// one forks from; 0 for the current thread and its direct alternatives,
	// -1 for a detached thread: nodes the export does not connect to the
	// current thread's tree (dangling parents, child lists that omit them).
	Parent int
	// AtMessage is the 1-based number of the first new message, counting the
	// messages on Thread that Options.All would show.
	AtMessage int
}

// Branches returns the current thread and, when all is set, every other
// branch of c: for each fork met on a thread already listed, each sibling not
// yet listed leads to a new Branch through that sibling's newest leaf. The
// walk is a queue, never recursive, and visits each node at most once as a
// branch start, so it is linear in the tree size and safe on cycles.
func Branches(c *model.Conversation, all bool) []Branch {
	cur := c.CurrentThread()
	out := []Branch{{Thread: cur, AtMessage: 1}}
	if !all || len(cur) == 0 {
		return out
	}
	seen := make(map[int32]struct{}, len(cur))
	for _, n := range cur {
		seen[n] = struct{}{}
	}
	next := 0 // nodes below next are all seen
	for q := 0; ; q++ {
		if q == len(out) {
			// Every fork is listed; start a detached thread at any node
			// still unseen, or stop.
			u := topUnseen(c, seen, &next)
			if u < 0 {
				break
			}
			t := c.ThreadThrough(u)
			from := indexOf(t, u)
			if from < 0 {
				t, from = model.Thread{u}, 0
			}
			for _, n := range t[from:] {
				seen[n] = struct{}{}
			}
			out = append(out, Branch{Thread: t, From: from, Parent: -1, AtMessage: countMessages(c, t[:from]) + 1})
		}
		br := out[q]
		for i := br.From; i < len(br.Thread); i++ {
			sib := c.Siblings(br.Thread[i])
			if len(sib) < 2 {
				continue
			}
			for _, s := range sib {
				if _, dup := seen[s]; dup {
					continue
				}
				seen[s] = struct{}{}
				t := c.ThreadThrough(s)
				from := indexOf(t, s)
				if from < 0 {
					continue
				}
				for _, n := range t[from:] {
					seen[n] = struct{}{}
				}
				out = append(out, Branch{Thread: t, From: from, Parent: q, AtMessage: countMessages(c, t[:from]) + 1})
			}
		}
	}
	return out
}

// topUnseen returns the topmost unseen ancestor of the first unseen node at
// or after *next, or -1 when every node has been seen; it advances *next
// past the seen prefix. Cycle-safe: the walk stops at a repeat.
func topUnseen(c *model.Conversation, seen map[int32]struct{}, next *int) int32 {
	for ; *next < len(c.Tree()); *next++ {
		n := int32(*next)
		if _, ok := seen[n]; ok {
			continue
		}
		walked := map[int32]struct{}{n: {}}
		for {
			p := c.Tree()[n].Parent
			if p < 0 || int(p) >= len(c.Tree()) {
				return n
			}
			if _, ok := seen[p]; ok {
				return n
			}
			if _, loop := walked[p]; loop {
				return n
			}
			walked[p] = struct{}{}
			n = p
		}
	}
	return -1
}

func indexOf(t model.Thread, n int32) int {
	for i, x := range t {
		if x == n {
			return i
		}
	}
	return -1
}

// countMessages counts the nodes of t that carry a message.
func countMessages(c *model.Conversation, t model.Thread) int {
	k := 0
	for _, n := range t {
		if n >= 0 && int(n) < len(c.Tree()) && c.Tree()[n].Msg != nil {
			k++
		}
	}
	return k
}
