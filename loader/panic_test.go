package loader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/backchat/backchat/model"
)

// watchEarlyRelease counts the calls of a Release function made while
// the load's workers still ran (arenaRelease.free refuses them).
func watchEarlyRelease(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	releaseEarly = func() { n.Add(1) }
	t.Cleanup(func() { releaseEarly = nil })
	return &n
}

// TestPanicWhileWorkersRunIsAnError: a panic on the loading goroutine
// while the workers decode (here the caller's Progress, called as the
// split delivers segments) is an error return, and Release is handed over
// only after the workers have ended, so a caller that frees on it at once
// unmaps nothing under them.
func TestPanicWhileWorkersRunIsAnError(t *testing.T) {
	setSplit(t, true)
	early := watchEarlyRelease(t)
	p := filepath.Join(t.TempDir(), "conversations.json")
	if err := os.WriteFile(p, genExport(400<<10, 7), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, after := range []int{1, 3, 10} {
		calls, released := 0, 0
		opt := Options{
			Workers: 2,
			Progress: func(done, total int64) {
				calls++
				if calls == after {
					panic("progress callback exploded")
				}
			},
			Release: func(free func()) { released++; free() },
		}
		a, err := OpenContext(context.Background(), opt, p)
		if err == nil || !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "exploded") {
			t.Fatalf("panic after %d progress calls: archive %v, error %v; want an internal error", after, a != nil, err)
		}
		if released != 1 {
			t.Fatalf("Release called %d times", released)
		}
		if n := early.Load(); n != 0 {
			t.Fatalf("Release's function ran %d times while the workers still ran", n)
		}
	}
}

// TestPanicInCollectorIsAnError: a panic in the collector's goroutine
// (the caller's OnConversation) is an error return, not a crash.
func TestPanicInCollectorIsAnError(t *testing.T) {
	early := watchEarlyRelease(t)
	p := filepath.Join(t.TempDir(), "conversations.json")
	if err := os.WriteFile(p, genExport(200<<10, 3), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, split := range []bool{false, true} {
		setSplit(t, split)
		n := 0
		opt := Options{
			OnConversation: func(*model.Conversation) {
				if n++; n == 5 {
					panic("viewer exploded")
				}
			},
			Release: func(free func()) { free() },
		}
		a, err := OpenContext(context.Background(), opt, p)
		if err == nil || !strings.Contains(err.Error(), "viewer exploded") {
			t.Fatalf("split %v: archive %v, error %v; want the collector's panic as an error", split, a != nil, err)
		}
		if early.Load() != 0 {
			t.Fatal("Release's function ran while the workers still ran")
		}
	}
}
