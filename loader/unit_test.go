package loader

import (
	"context"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/backchat/backchat/model"
)

func TestCitationMetadata(t *testing.T) {
	meta := `{"content_references": [
	  {"matched_text": "\ue200cite\ue202turn0search1\ue201", "start_idx": 10, "end_idx": 29, "type": "webpage", "title": "T", "url": "https://u", "alt": "([T](https://u))",
	   "items": [{"title": "I1", "url": "https://i1"}], "fallback_items": null, "sources": [{"title": "S", "url": "https://s"}]},
	  {"matched_text": "", "start_idx": null, "type": "hidden"}],
	 "citations": [{"start_ix": 3, "end_ix": 14, "metadata": {"type": "webpage", "title": "Old", "url": "https://old", "extra": {"cited_message_idx": 2}}},
	   {"start_ix": 0, "end_ix": 1, "invalid_reason": "Unsupported"}],
	 "search_result_groups": [{"type": "search_result_group", "domain": "g.com", "entries": [
	   {"type": "search_result", "url": "https://r", "title": "R", "ref_id": {"turn_index": 0, "ref_type": "search", "ref_index": 3}}]}],
	 "model_slug": "gpt-4o", "finished_duration_sec": 12.5, "is_visually_hidden_from_conversation": true, "is_user_system_message": false}`
	w := newWorker(0)
	var mm msgMeta
	d := getWalker([]byte(meta))
	defer putWalker(d)
	if err := w.metadata(d, &mm); err != nil {
		t.Fatal(err)
	}
	c := mm.cites
	if len(c.ContentRefs) != 2 || len(c.Legacy) != 2 || len(c.SearchResults) != 1 {
		t.Fatalf("cites = %+v", c)
	}
	r := c.ContentRefs[0]
	if r.MatchedText != "\ue200cite\ue202turn0search1\ue201" || r.StartIdx != 10 || r.EndIdx != 29 || r.Type != "webpage" ||
		r.Title != "T" || r.URL != "https://u" || r.Alt != "([T](https://u))" || len(r.Items) != 2 || r.Items[1].URL != "https://s" {
		t.Errorf("content ref = %+v", r)
	}
	if h := c.ContentRefs[1]; h.StartIdx != -1 || h.EndIdx != -1 || h.Type != "hidden" {
		t.Errorf("hidden ref = %+v", h)
	}
	if l := c.Legacy[0]; l.StartIx != 3 || l.EndIx != 14 || l.Title != "Old" || l.URL != "https://old" {
		t.Errorf("legacy = %+v", l)
	}
	if s := c.SearchResults[0]; s.Key != "turn0search3" || s.Title != "R" || s.URL != "https://r" {
		t.Errorf("search result = %+v", s)
	}
	if mm.modelSlug != "gpt-4o" || mm.seconds != 12.5 || !mm.hints.VisuallyHidden || mm.hints.UserSystemMessage {
		t.Errorf("meta = %+v", mm)
	}
}

func TestTimes(t *testing.T) {
	for in, want := range map[string]int64{
		`1700000000.75`:               1700000000,
		`1700000000`:                  1700000000,
		`1700000000123`:               1700000000, // milliseconds
		`"1700000000.5"`:              1700000000,
		`"2023-11-14T22:13:20.5Z"`:    1700000000,
		`null`:                        0,
		`"yesterday"`:                 0,
		`true`:                        0,
		`1e300`:                       0,
		`{"$date": 1}`:                0,
		`-1`:                          -1,
		`"2023-11-14T23:13:20+01:00"`: 1700000000,
	} {
		d := getWalker([]byte(in))
		tm, err := epoch(d)
		putWalker(d)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		got := int64(0)
		if !tm.IsZero() {
			got = tm.Unix()
		}
		if got != want || (!tm.IsZero() && tm.Location() != time.UTC) {
			t.Errorf("%s: got %v (%d), want %d", in, tm, got, want)
		}
	}
}

func TestAppPairing(t *testing.T) {
	dir := t.TempDir()
	m := `{"id": "ap", "author": {"role": "user"}, "content": {"content_type": "app_pairing_content", "workspaces": [{"app_name": "Xcode", "title": "main.swift"}], "context_parts": [{"text": "let x = 1"}]}}`
	a := mustOpen(t, writeFile(t, dir, "c.json", conv("apc", "Apps", "ap", 1, node("ap", "", m))))
	b := a.Conversations[0].Nodes[0].Msg.Blocks
	if len(b) != 1 || b[0].Kind != model.BlockContext || b[0].Title() != "Xcode: main.swift" || b[0].Text != "let x = 1" || b[0].Type() != "app_pairing_content" {
		t.Errorf("blocks = %+v", b)
	}
}

func TestArenas(t *testing.T) {
	for _, total := range []int64{0, bigLoad} {
		a := newArena(total)
		var ss []string
		for i := 0; i < 2000; i++ {
			ss = append(ss, a.str([]byte(strings.Repeat("ab", i%300+1))))
		}
		big := a.str([]byte(strings.Repeat("z", a.max)))
		for i, s := range ss {
			if s != strings.Repeat("ab", i%300+1) {
				t.Fatalf("total %d: string %d corrupted", total, i)
			}
		}
		if len(big) != a.max || a.str(nil) != "" || a.bytes(nil) != nil {
			t.Errorf("total %d: edge cases", total)
		}
		// Strings are copies, not views of the input.
		in := []byte("copy me")
		s := a.str(in)
		in[0] = 'X'
		if s != "copy me" || unsafe.StringData(s) == &in[0] {
			t.Errorf("arena string aliases its input")
		}
	}
}

func TestFixUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"ok é":                     "ok é",
		"\xed\xa0\xbd\xed\xb8\x82": "😂",
		"\xed\xa0\xbd":             "\ufffd\ufffd\ufffd",
		"a\xffb":                   "a\ufffdb",
		"\xed\xa0\xbd\xed\xb8":     "\ufffd\ufffd\ufffd\ufffd\ufffd",
		"\xf0\x9f\x98":             "\ufffd\ufffd\ufffd",
	} {
		if got := string(fixUTF8(nil, []byte(in))); got != want {
			t.Errorf("fixUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelaxGCRestores(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	r1 := relaxGC()
	r2 := relaxGC()
	if got := debug.SetGCPercent(loadGCPercent); got != loadGCPercent {
		t.Fatalf("during loads: GC percent %d, want %d", got, loadGCPercent)
	}
	r1()
	r1() // idempotent
	if got := debug.SetGCPercent(loadGCPercent); got != loadGCPercent {
		t.Fatalf("one load left: GC percent %d, want %d", got, loadGCPercent)
	}
	r2()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("after loads: GC percent %d, want 100", got)
	}
	debug.SetGCPercent(-1)
	r3 := relaxGC()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("GOGC=off was changed to %d", got)
	}
	r3()
	if got := debug.SetGCPercent(100); got != -1 {
		t.Fatalf("GOGC=off not kept after the load: %d", got)
	}
}

func TestHoldGCHandsTheRestoreOver(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	// A big load: one conversation, then white space up to bigLoad bytes.
	p := writeFile(t, t.TempDir(), "big.json", "["+simple("c1", "One", 1700000100)+strings.Repeat(" ", bigLoad)+"]")
	// Below relaxMin the GC target is left alone: HoldGC is not called.
	var restore func()
	a, err := OpenContext(context.Background(), Options{HoldGC: func(r func()) { restore = r }}, p)
	if err != nil || len(a.Conversations) != 1 {
		t.Fatalf("load: %v, %d conversations", err, len(a.Conversations))
	}
	if restore != nil {
		t.Fatal("HoldGC was called for a load below relaxMin")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("after a load below relaxMin: GC percent %d, want 100", got)
	}
	// From relaxMin on (lowered here: a file of 512 MiB is too big for a
	// test) it is raised, and HoldGC gets its restore.
	defer func(m int64) { relaxMin = m }(relaxMin)
	relaxMin = bigLoad
	a, err = OpenContext(context.Background(), Options{HoldGC: func(r func()) { restore = r }}, p)
	if err != nil || len(a.Conversations) != 1 {
		t.Fatalf("load: %v, %d conversations", err, len(a.Conversations))
	}
	if restore == nil {
		t.Fatal("HoldGC was not called")
	}
	if got := debug.SetGCPercent(loadGCPercent); got != loadGCPercent {
		t.Fatalf("after the load: GC percent %d, want %d until the restore", got, loadGCPercent)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("after the restore: GC percent %d, want 100", got)
	}
}

// The whole-document pattern ".*" is applied without the regexp engine:
// the result must be what the engine gives.
func TestCanvasWholeDocumentRewriteMatchesTheRegexp(t *testing.T) {
	re := regexp.MustCompile("(?s).*")
	for _, doc := range []string{"", "a", "abc\ndef\n", "\n", "x\n\ny", "\u00e9\n\u3053"} {
		for _, multiple := range []bool{false, true} {
			want := re.ReplaceAllLiteralString(doc, "R\n")
			if !multiple {
				loc := re.FindStringIndex(doc)
				want = doc[:loc[0]] + "R\n" + doc[loc[1]:]
			}
			got, ok := applyCanvasUpdates(doc, []canvasUpdate{{pattern: ".*", replacement: "R\n", multiple: multiple}})
			if !ok || got != want {
				t.Errorf("doc %q multiple %v: got %q, %v; want %q", doc, multiple, got, ok, want)
			}
		}
	}
	// A later update still sees the rewritten document.
	got, ok := applyCanvasUpdates("old", []canvasUpdate{{pattern: ".*", replacement: "new text"}, {pattern: "new", replacement: "next"}})
	if !ok || got != "next text" {
		t.Errorf("two updates: got %q, %v", got, ok)
	}
}
