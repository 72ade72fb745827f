package tui

import (
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"
	"weak"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// TestMarkdownCache: the cache answers what messageMarkdown makes, keeps a
// long message's Markdown (the second answer is the same string, not made
// again), not a short one's, and stays within its bound.
func TestMarkdownCache(t *testing.T) {
	long := func(i int) *model.Message {
		return msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText,
			Text: strings.Repeat("word $x^2$ and\ttab ", 100) + string(rune('a'+i%26))}}}, msgkit.Fields{Role: model.RoleAssistant})
	}
	c := newMDCache(20 << 10)
	m := long(0)
	a := c.markdown(m)
	if want := messageMarkdown(m); a != want {
		t.Fatalf("cached Markdown differs:\n%q\nwant\n%q", a, want)
	}
	if b := c.markdown(m); unsafe.StringData(b) != unsafe.StringData(a) {
		t.Fatal("a long message's Markdown was made again")
	}
	short := msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "hi"}}}, msgkit.Fields{Role: model.RoleUser})
	got := c.markdown(short)
	if _, kept := c.c.Get(weak.Make(short)); got != messageMarkdown(short) || kept {
		t.Fatal("a short message's Markdown is kept (or wrong)")
	}
	for i := range 100 {
		mi := long(i)
		if got := c.markdown(mi); got != messageMarkdown(mi) {
			t.Fatalf("message %d: cached Markdown differs", i)
		}
		if c.c.Bytes() > c.c.Max() {
			t.Fatalf("message %d: the cache holds %d bytes, bound %d", i, c.c.Bytes(), c.c.Max())
		}
	}
	if n := c.c.Len(); n < 2 || n > 20 {
		t.Fatalf("%d entries kept in 20 KB of ~1.9 KB each", n)
	}
	var nilCache *mdCache
	if nilCache.markdown(m) != a {
		t.Fatal("no cache: Markdown differs")
	}
}

// TestMarkdownCacheKeepsNoMessageAlive: a cached message that nothing else
// holds is collected (the cache's key is weak).
func TestMarkdownCacheKeepsNoMessageAlive(t *testing.T) {
	c := newMDCache(1 << 20)
	collected := make(chan struct{})
	func() {
		m := &model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: strings.Repeat("cached ", 200)}}}
		runtime.AddCleanup(m, func(ch chan struct{}) { close(ch) }, collected)
		_ = c.markdown(m)
	}()
	for range 20 {
		runtime.GC()
		select {
		case <-collected:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Error("the cache kept a message alive")
}
