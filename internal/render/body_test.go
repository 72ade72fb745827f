package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// The browser shows a message as its heading's parts and Body; copy and
// `backchat show` write MessageMarkdown. They must be the same words.
func TestMessageMarkdownIsHeadingAndBody(t *testing.T) {
	for _, c := range []*model.Conversation{sample(), hostile()} {
		for n := range c.Nodes {
			m := c.Nodes[n].Msg
			if m == nil {
				continue
			}
			var b bytes.Buffer
			if err := MessageMarkdown(&b, c, int32(n), Options{Location: time.UTC}); err != nil {
				t.Fatal(err)
			}
			h := MessageHeading(c, int32(n), time.UTC)
			want := "## " + strings.Join(h.Parts(), " · ") + "\n\n" + body(m, false)
			if b.String() != want {
				t.Errorf("%s node %d:\nMessageMarkdown %q\nheading + Body  %q", c.ID, n, b.String(), want)
			}
		}
	}
}

// On screen (Body) an image or audio is one short line without the file's
// path; everything else is what MessageMarkdown writes.
func TestBodyShortensAssets(t *testing.T) {
	for _, c := range []*model.Conversation{sample(), hostile()} {
		for n := range c.Nodes {
			m := c.Nodes[n].Msg
			if m == nil {
				continue
			}
			long, short := strings.Split(body(m, false), "\n"), strings.Split(Body(m), "\n")
			if len(long) != len(short) {
				t.Fatalf("%s node %d: %d lines on screen, %d in copy", c.ID, n, len(short), len(long))
			}
			for i := range long {
				if long[i] == short[i] {
					continue
				}
				if !strings.HasPrefix(short[i], "[image") && !strings.HasPrefix(short[i], "[audio") || strings.Contains(short[i], "/") {
					t.Errorf("%s node %d: screen %q, copy %q", c.ID, n, short[i], long[i])
				}
			}
		}
	}
	a := &model.Asset{File: "user-x/file_abc.wav", Size: 160 << 10}
	if got := AssetShort("audio", a); got != "[audio: file_abc.wav · 160 KB]" {
		t.Errorf("AssetShort = %q", got)
	}
	long := &model.Asset{File: "u/file_297cc09d30d6a1810a347d8b5a2de7c5-25e70588-6dc1-4d18-bdba-3eb55c71d10c.wav", Size: 1 << 20}
	if got := AssetShort("audio", long); got != "[audio: file_297cc09d30d6a1…d10c.wav · 1.0 MB]" {
		t.Errorf("AssetShort long name = %q", got)
	}
	if got := AssetShort("image", &model.Asset{Pointer: "file-service://file-9", Missing: true}); got != "[image missing: file-9]" {
		t.Errorf("AssetShort missing = %q", got)
	}
}

func TestMessageHeading(t *testing.T) {
	c := sample()
	want := map[string]Heading{
		"out":  {Role: "Tool (python)", Time: "2025-06-01 14:03", Note: "(folded)"},
		"ctx":  {Role: "You", Note: "(hidden)"},
		"ans1": {Role: "ChatGPT", Time: "2025-06-01 14:08", Model: "gpt-4o", Branch: "‹1/2›"},
		"ans2": {Role: "ChatGPT", Time: "2025-06-01 14:09", Model: "gpt-4o-mini", Branch: "‹2/2›"},
		"u2":   {Role: "You", Time: "2025-06-01 14:20", Branch: "‹2/2›"},
	}
	for n := range c.Nodes {
		w, ok := want[c.Nodes[n].Key]
		if !ok {
			continue
		}
		if got := MessageHeading(c, int32(n), time.UTC); got != w {
			t.Errorf("%s: got %+v, want %+v", c.Nodes[n].Key, got, w)
		}
	}
	if got := MessageHeading(c, 4, time.FixedZone("X", 3600)).Time; got != "2025-06-01 15:02" { // node 4: the python call at 14:02 UTC
		t.Errorf("time in another zone: %q", got)
	}
}

// Maths is normalised once, at load; the renderer writes text as loaded.
func TestBodyLeavesMathAsLoaded(t *testing.T) {
	m := msgkit.With(&model.Message{Blocks: []model.Block{text(`I typed \(x^2\) and \[y\]`)}}, msgkit.Fields{Role: model.RoleUser})
	if got := Body(m); !strings.Contains(got, `\(x^2\) and \[y\]`) {
		t.Errorf("Body rewrote the text: %q", got)
	}
}

func TestBodySanitisedAndEmpty(t *testing.T) {
	c := hostile()
	for n := range c.Nodes {
		if m := c.Nodes[n].Msg; m != nil {
			if r, bad := rawControl(Body(m)); bad {
				t.Errorf("node %d: Body holds raw control %U", n, r)
			}
		}
	}
	if got := Body(msgkit.With(&model.Message{}, msgkit.Fields{Role: model.RoleAssistant})); got != "(empty)\n" {
		t.Errorf("empty message: %q", got)
	}
	if got := Body(nil); got != "" {
		t.Errorf("nil message: %q", got)
	}
}

func TestPresent(t *testing.T) {
	shown := &model.Message{Visibility: model.Shown}
	folded := &model.Message{Visibility: model.Folded}
	hidden := &model.Message{Visibility: model.Hidden}
	for _, c := range []struct {
		m                *model.Message
		hidden, expanded bool
		want             Presentation
	}{
		{shown, false, false, InFull},
		{folded, false, false, Summarised},
		{folded, false, true, InFull},
		{folded, true, false, Summarised},
		{hidden, false, true, Omitted},
		{hidden, true, false, InFull},
		{nil, true, true, Omitted},
	} {
		if got := Present(c.m, c.hidden, c.expanded); got != c.want {
			t.Errorf("Present(%v, hidden %v, expanded %v) = %d, want %d", c.m, c.hidden, c.expanded, got, c.want)
		}
	}
}
