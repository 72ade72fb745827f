package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// slowReader yields its keys after a pause, like a person typing.
type slowReader struct {
	keys  string
	delay time.Duration
	done  bool
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, io.EOF
	}
	time.Sleep(r.delay)
	r.done = true
	return copy(p, r.keys), nil
}

func TestRunSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	in := &slowReader{keys: "jq", delay: 300 * time.Millisecond}
	err := Run(ctx, Options{Archive: testArchive(), Theme: "dark", Width: 100, Height: 30, Now: fixedNow}, in, &out)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(out.String(), "Go generics question") {
		t.Fatalf("output lacks the first conversation (%d bytes)", out.Len())
	}
	if strings.Contains(out.String(), "\x1b]52") {
		t.Fatal("output carries an OSC 52 sequence from the archive")
	}
}

// TestRunReturnsLoadError: a failed load is returned once the user quits
// its screen (the CLI prints it and exits non-zero), and the terminal's
// title is pushed before the browser sets its own and popped after.
func TestRunReturnsLoadError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	in := &slowReader{keys: "q", delay: 300 * time.Millisecond}
	bad := errors.New("loader: x.json: not a chat export")
	load := func(context.Context, func(*model.Conversation), func(int64, int64)) (*model.Archive, error) {
		return nil, bad
	}
	err := Run(ctx, Options{Load: load, Theme: "dark", Width: 80, Height: 24, Now: fixedNow}, in, &out)
	if !errors.Is(err, bad) {
		t.Fatalf("Run = %v, want the load error", err)
	}
	s := out.String()
	push, set, pop := strings.Index(s, pushTitle), strings.Index(s, "\x1b]2;backchat"), strings.LastIndex(s, popTitle)
	if push < 0 || set < push || pop < set || !strings.HasSuffix(s, popTitle) {
		t.Fatalf("title push %d, set %d, pop %d (of %d bytes)", push, set, pop, len(s))
	}
}
