package model

import (
	"errors"
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
