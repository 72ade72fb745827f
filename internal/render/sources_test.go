package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSourcesInHeaderAndJSON(t *testing.T) {
	c := sample()
	c.Sources, c.InNewest = []string{"old.zip", "mid/\x1b[2Jdir"}, false
	for name, render := range map[string]func(*bytes.Buffer) error{
		"text":     func(b *bytes.Buffer) error { return Text(b, c, Options{Location: time.UTC}) },
		"markdown": func(b *bytes.Buffer) error { return Markdown(b, c, Options{Location: time.UTC}) },
	} {
		var b bytes.Buffer
		if err := render(&b); err != nil {
			t.Fatal(err)
		}
		head := b.String()[:strings.Index(b.String(), "You")]
		if !strings.Contains(head, NotInNewestNote) || !strings.Contains(head, "old.zip, mid/") {
			t.Errorf("%s header lacks the note or the exports:\n%s", name, head)
		}
		if strings.Contains(head, "\x1b") {
			t.Errorf("%s: raw escape from a path reached the output", name)
		}
	}
	var b bytes.Buffer
	if err := JSON(&b, c, Options{}); err != nil {
		t.Fatal(err)
	}
	var got ConversationJSON
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) != 2 || got.Sources[1] != c.Sources[1] || got.InNewest {
		t.Errorf("JSON sources %q in_newest %v", got.Sources, got.InNewest)
	}

	// In the newest export too: exports listed, no note. One export: neither.
	c.InNewest = true
	b.Reset()
	_ = Text(&b, c, Options{Location: time.UTC})
	if s := b.String(); strings.Contains(s, NotInNewestNote) || !strings.Contains(s, "Exports:") {
		t.Errorf("in both exports:\n%s", s)
	}
	c.Sources = c.Sources[:1]
	b.Reset()
	_ = Text(&b, c, Options{Location: time.UTC})
	if s := b.String(); strings.Contains(s, "Exports:") {
		t.Errorf("single export should not list exports:\n%s", s)
	}
}
