package loader

import (
	"fmt"
	"strings"
	"testing"
)

// chain is a ChatGPT conversation of n message nodes "k0"… in a chain
// under a root, listed in the given order of node numbers (nil: in order),
// optionally with one key repeated.
func chain(id string, n int, order []int, dupKey bool) string {
	if order == nil {
		for i := range n {
			order = append(order, i)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{"id": %q, "title": "t", "current_node": "k%d", "mapping": {"root": {"id": "root", "children": ["k0"]}`, id, n-1)
	for _, i := range order {
		parent := "root"
		if i > 0 {
			parent = fmt.Sprintf("k%d", i-1)
		}
		kids := ""
		if i < n-1 {
			kids = fmt.Sprintf(`"k%d"`, i+1)
		}
		fmt.Fprintf(&b, `, "k%d": {"id": "k%d", "parent": %q, "children": [%s], "message": {"id": "m%d", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["p%d"]}}}`,
			i, i, parent, kids, i, i)
	}
	if dupKey {
		b.WriteString(`, "k0": {"id": "k0", "parent": "root", "children": []}`)
	}
	b.WriteString("}}")
	return b.String()
}

// One worker decodes conversations of very different sizes in turn: its
// key index, emptied (or made afresh) for each, must never resolve a key
// from an earlier conversation nor miss a duplicate of this one.
func TestKeyIndexAcrossConversations(t *testing.T) {
	w := newWorker(0)
	rev := func(n int) (o []int) {
		for i := n - 1; i >= 0; i-- {
			o = append(o, i)
		}
		return o
	}
	steps := []struct {
		n     int
		order []int
		dup   bool
	}{
		{3000, rev(3000), false}, // listed backwards: every lookup goes to the index
		{3, rev(3), false},       // small after big: a fresh index
		{5, nil, true},           // a duplicate key
		{2000, rev(2000), false},
		{4, rev(4), true},
		{600, rev(600), false},
		{300, rev(300), false}, // cleared, not made afresh
	}
	for i, s := range steps {
		c, err := w.conversation([]byte(chain(fmt.Sprint(i), s.n, s.order, s.dup)))
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		dupNoted := false
		for _, n := range w.notes {
			dupNoted = dupNoted || n == "duplicate mapping key"
		}
		if dupNoted != s.dup {
			t.Errorf("step %d: duplicate key noted %v, want %v (notes %q)", i, dupNoted, s.dup, w.notes)
		}
		if s.dup {
			continue
		}
		if got := c.VisibleCount(); got != s.n {
			t.Errorf("step %d: %d messages on the thread, want %d (notes %q)", i, got, s.n, w.notes)
		}
		for k, nd := range c.Nodes {
			if nd.Parent >= 0 && (int(nd.Parent) >= len(c.Nodes)) {
				t.Fatalf("step %d: node %d's parent %d is out of range", i, k, nd.Parent)
			}
		}
	}
}
