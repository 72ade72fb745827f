package model

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestLazyTreeLoadsOnceFromAnyGoroutine(t *testing.T) {
	var calls atomic.Int32
	c := &Conversation{ID: "c"}
	c.SetLazyTree(func() ([]Node, error) {
		calls.Add(1)
		return []Node{{Key: "root", Parent: NoNode}, {Key: "a", Parent: 0, Msg: &Message{ID: "a"}}}, nil
	})
	if c.TreeLoaded() {
		t.Fatal("TreeLoaded before first use")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n := len(c.Tree()); n != 2 {
				t.Errorf("Tree() has %d nodes, want 2", n)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("loader ran %d times, want 1", calls.Load())
	}
	if !c.TreeLoaded() || c.TreeErr() != nil {
		t.Fatalf("after load: loaded=%v err=%v", c.TreeLoaded(), c.TreeErr())
	}
}

func TestLazyTreeErrorLeavesEmptyTree(t *testing.T) {
	c := &Conversation{ID: "c"}
	want := errors.New("damaged")
	c.SetLazyTree(func() ([]Node, error) { return nil, want })
	if len(c.Tree()) != 0 || !errors.Is(c.TreeErr(), want) {
		t.Fatalf("Tree()=%v err=%v", c.Tree(), c.TreeErr())
	}
	eager := &Conversation{Nodes: []Node{{Key: "r", Parent: NoNode}}}
	if !eager.TreeLoaded() || eager.TreeErr() != nil || len(eager.Tree()) != 1 {
		t.Fatal("an eager conversation must read as loaded, without error")
	}
}

// TestReleasedTree: a conversation set to ReleaseTreeWhenUnused keeps its
// tree while the slice is held (the same one, no second load), and once
// nothing holds it the collector frees it and Tree loads it again.
// Without the release, the tree is kept for good.
func TestReleasedTree(t *testing.T) {
	for _, release := range []bool{false, true} {
		var calls atomic.Int32
		c := &Conversation{}
		c.SetLazyTree(func() ([]Node, error) {
			calls.Add(1)
			return []Node{{Key: "root", Parent: NoNode}, {Key: "a", Parent: 0, Msg: &Message{ID: "a", Blocks: make([]Block, 1000)}}}, nil
		})
		if release {
			c.ReleaseTreeWhenUnused()
		}
		held := c.Tree()
		runtime.GC()
		if again := c.Tree(); &again[0] != &held[0] || calls.Load() != 1 || !c.TreeLoaded() {
			t.Fatalf("release %v: a held tree was loaded again (%d loads)", release, calls.Load())
		}
		runtime.KeepAlive(held)
		held = nil
		for range 3 {
			runtime.GC()
		}
		loaded := c.TreeLoaded()
		if n := len(c.Tree()); n != 2 || c.TreeErr() != nil {
			t.Fatalf("release %v: %d nodes, err %v", release, n, c.TreeErr())
		}
		if want := map[bool]int32{false: 1, true: 2}[release]; calls.Load() != want || loaded == release {
			t.Fatalf("release %v: %d loads (want %d), TreeLoaded %v before the last Tree", release, calls.Load(), want, loaded)
		}
	}
}

// TestReleasedTreeConcurrent: released trees loaded, dropped and loaded
// again from many goroutines (run with -race).
func TestReleasedTreeConcurrent(t *testing.T) {
	c := &Conversation{}
	c.SetLazyTree(func() ([]Node, error) {
		return []Node{{Key: "root", Parent: NoNode}, {Key: "a", Parent: 0, Msg: &Message{ID: "a"}}}, nil
	})
	c.ReleaseTreeWhenUnused()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if tr := c.Tree(); len(tr) != 2 || tr[1].Msg.ID != "a" || c.TreeErr() != nil {
					t.Errorf("goroutine %d: tree %v", g, tr)
					return
				}
				if i%50 == 0 {
					runtime.GC()
				}
			}
		}()
	}
	wg.Wait()
}
