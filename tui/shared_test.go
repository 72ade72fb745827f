package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestSessionsShareRowsAndRenders checks what `backchat serve` sessions
// over one Prepared share instead of holding a copy each: the unfiltered
// list rows, the Glamour renderers and the render cache. A filter gives a
// session rows of its own without touching the shared ones.
func TestSessionsShareRowsAndRenders(t *testing.T) {
	a := mixedArchive()
	p := Prepare(a)
	m1 := New(Options{Archive: a, Prepared: p, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	m2 := New(Options{Archive: a, Prepared: p, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, m1, m1.Init())
	run(t, m2, m2.Init())
	if m1.pool != m2.pool || m1.pool != p.renders {
		t.Fatal("sessions over one Prepared do not share its render pool")
	}
	if len(m1.list.rows) == 0 || &m1.list.rows[0] != &m2.list.rows[0] {
		t.Fatal("sessions over one Prepared do not share the list rows")
	}
	shared := append([]row(nil), m2.list.rows...)

	// m1 opens the newest conversation: Glamour renders it into the cache.
	press(t, m1, "enter")
	conv := m1.view.conv
	if conv == nil || p.renders.cache.bytes() == 0 {
		t.Fatal("opening a conversation cached no render")
	}
	// m2 opens the same one at the same width: rendered already, so its
	// first screen is the finished one and no render starts.
	_, cmd := m2.Update(keyMsg("enter"))
	if m2.view.conv != conv {
		t.Fatal("m2 opened another conversation")
	}
	for _, s := range m2.view.segs {
		if s.msg != nil && !s.rendered {
			t.Errorf("node %d of a conversation another session rendered is not rendered", s.node)
		}
	}
	if len(m2.view.pending) != 0 {
		t.Errorf("%d renders started for a conversation in the shared cache", len(m2.view.pending))
	}
	run(t, m2, cmd)
	if screen(m1) != screen(m2) {
		t.Errorf("the two sessions show the same conversation differently:\n%s\n---\n%s", screen(m1), screen(m2))
	}

	// A filter in m1 builds m1's own rows; m2's shared rows stay as they were.
	press(t, m1, "h", "/")
	typeText(t, m1, "hello")
	if len(m1.list.rows) > 0 && len(m2.list.rows) > 0 && &m1.list.rows[0] == &m2.list.rows[0] {
		t.Fatal("a filtered list still uses the shared rows")
	}
	for i := range shared {
		if m2.list.rows[i] != shared[i] {
			t.Fatalf("the shared rows changed at %d after another session filtered", i)
		}
	}
	press(t, m1, "esc")
	if &m1.list.rows[0] != &m2.list.rows[0] {
		t.Error("clearing the filter did not go back to the shared rows")
	}

	// A browser without a Prepared has a pool of its own.
	solo := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	if solo.pool == p.renders || solo.pool == nil {
		t.Error("a browser without a Prepared should have its own render pool")
	}
}

// TestRenderCacheEvictsLeastRecentlyUsed fills a small cache past its
// budget: it stays within it, and an entry read recently outlives older
// ones.
func TestRenderCacheEvictsLeastRecentlyUsed(t *testing.T) {
	line := strings.Repeat("x", 100)
	entry := []string{line, line, line, line} // 4×116 + 64 bytes
	c := newRenderCache(10 * (4*116 + 64))
	keep := renderKey{node: 0, width: 80}
	c.put(keep, entry)
	for i := int32(1); i < 40; i++ {
		if _, ok := c.get(keep); !ok {
			t.Fatalf("the entry used on every step was evicted at step %d", i)
		}
		c.put(renderKey{node: i, width: 80}, entry)
		if c.bytes() > c.c.Max() {
			t.Fatalf("cache holds %d bytes, budget %d", c.bytes(), c.c.Max())
		}
	}
	if _, ok := c.get(renderKey{node: 1, width: 80}); ok {
		t.Error("the oldest unused entry survived 40 puts into a cache of 10")
	}
	// A second put of a cached key keeps the first (another session
	// rendered it meanwhile) without counting it twice.
	before := c.bytes()
	c.put(keep, []string{"other"})
	if got, _ := c.get(keep); len(got) != len(entry) || c.bytes() != before {
		t.Errorf("a duplicate put replaced the entry or changed the size: %v, %d → %d bytes", got, before, c.bytes())
	}
}

// TestSetRenderCacheBytes: serve's smaller bound evicts down to it and
// holds from then on.
func TestSetRenderCacheBytes(t *testing.T) {
	p := Prepare(testArchive())
	c := p.renders.cache
	line := strings.Repeat("x", 100)
	for i := range int32(20) {
		c.put(renderKey{node: i, width: 80}, []string{line, line})
	}
	full := c.bytes()
	p.SetRenderCacheBytes(full / 2)
	if c.bytes() > full/2 {
		t.Fatalf("%d bytes after SetRenderCacheBytes(%d)", c.bytes(), full/2)
	}
	for i := range int32(20) {
		c.put(renderKey{node: 100 + i, width: 80}, []string{line, line})
	}
	if c.bytes() > full/2 {
		t.Fatalf("%d bytes, bound %d", c.bytes(), full/2)
	}
}

// TestSetMarkdownCacheBytes: serve's bound on the Markdown cache evicts
// down to it and holds from then on.
func TestSetMarkdownCacheBytes(t *testing.T) {
	p := Prepare(testArchive())
	c := p.renders.md
	text := strings.Repeat("word ", 200)
	var msgs []*model.Message // held: the cache's keys are weak
	put := func(n int) {
		for range n {
			m := &model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: text}}}
			msgs = append(msgs, m)
			c.markdown(m)
		}
	}
	put(20)
	full := c.c.Bytes()
	if full < 20*int64(len(text)) {
		t.Fatalf("%d bytes cached for 20 messages of %d bytes", full, len(text))
	}
	p.SetMarkdownCacheBytes(full / 2)
	if c.c.Bytes() > full/2 {
		t.Fatalf("%d bytes after SetMarkdownCacheBytes(%d)", c.c.Bytes(), full/2)
	}
	put(20)
	if c.c.Bytes() > full/2 {
		t.Fatalf("%d bytes, bound %d", c.c.Bytes(), full/2)
	}
}

// TestRenderCacheConcurrent hammers one cache from many goroutines, as
// sessions do; run with -race.
func TestRenderCacheConcurrent(t *testing.T) {
	c := newRenderCache(20_000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := renderKey{node: int32(i % 97), width: 80 + g%2, style: "dark"}
				if lines, ok := c.get(k); ok {
					if want := fmt.Sprintf("node %d width %d", k.node, k.width); lines[0] != want {
						t.Errorf("key %v holds %q", k, lines[0])
						return
					}
					continue
				}
				c.put(k, []string{fmt.Sprintf("node %d width %d", k.node, k.width), strings.Repeat("y", 200)})
			}
		})
	}
	wg.Wait()
	if c.bytes() > c.c.Max() {
		t.Errorf("cache holds %d bytes, budget %d", c.bytes(), c.c.Max())
	}
}

// TestConcurrentRendersOfOneMessageRenderOnce starts the same render from
// two sessions before either has run, as every new session does for the
// newest conversation: the second must take the first's lines from the
// cache instead of rendering again.
func TestConcurrentRendersOfOneMessageRenderOnce(t *testing.T) {
	a := mixedArchive()
	p := Prepare(a)
	c := p.sorted[0]
	var n int32 = -1
	for i, node := range c.Tree() {
		if node.Msg != nil {
			n = int32(i)
			break
		}
	}
	if n < 0 {
		t.Fatal("no message in the newest conversation")
	}
	m := c.Tree()[n].Msg
	key := renderKey{conv: c, node: n, width: 60, style: "dark"}
	first := renderCmd(t.Context(), p.renders, key, m, -1)
	second := renderCmd(t.Context(), p.renders, key, m, -1)
	r1, ok1 := first().(renderedMsg)
	r2, ok2 := second().(renderedMsg)
	if !ok1 || !ok2 || r1.err != nil || r2.err != nil || len(r1.lines) == 0 {
		t.Fatalf("renders failed: %v %v", r1.err, r2.err)
	}
	if &r1.lines[0] != &r2.lines[0] {
		t.Error("the second render of a message rendered again instead of using the cache")
	}
	if got, ok := p.renders.cache.get(key); !ok || &got[0] != &r1.lines[0] {
		t.Error("a finished render is not in the shared cache before any Update saw it")
	}
}
