package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/serve"
	"github.com/backchat/backchat/loader"
)

// TestServeDemoKeepsItsDates: `serve --demo` gives each session the demo's
// clock, as the local browser has, so the list says "Today" and
// "Yesterday" for the demo's conversations whatever today is; without
// --demo a session keeps the real clock.
func TestServeDemoKeepsItsDates(t *testing.T) {
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	arch, err := loader.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	info := serve.SessionInfo{Width: 80, Height: 24}
	if o := a.sessionOptions(arch, nil, nil, info); o.Now != nil {
		t.Fatal("a session without --demo has the demo's clock")
	}
	a.demo = true
	o := a.sessionOptions(arch, nil, nil, info)
	if o.Now == nil {
		t.Fatal("a --demo session has the real clock: the demo's dates show as weeks ago")
	}
	if d := o.Now().Sub(demo.Reference); d < 0 || d > time.Minute {
		t.Fatalf("demo session's now is %v, %v after demo.Reference", o.Now(), d)
	}
}
