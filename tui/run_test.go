package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
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
