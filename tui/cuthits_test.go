package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
)

// cutWordsConv holds "kubernetes" inside words longer than any line (a
// hex string, a long identifier in a list item and in a code block), at
// offsets that put a line's end inside the term at one width or another,
// and once in a plain sentence: want hits in all.
func cutWordsConv() (c *model.Conversation, want int) {
	hex := func(n int) string { return strings.Repeat("0123456789abcdef", n/16+1)[:n] }
	var msgs []tm
	for i := range 6 {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		pre := 27 + 11*i
		text := fmt.Sprintf("Message %d holds a hash:\n\n%skubernetes%s\n\nand goes on.", i, hex(pre), hex(150))
		switch i {
		case 3:
			text += fmt.Sprintf("\n\n- an item with some_identifier_%skubernetes%s in it", hex(pre+40), hex(90))
			want++
		case 4:
			text += fmt.Sprintf("\n\n```\nx = \"%skubernetes%s\"\n```", hex(pre+3), hex(160))
			want++
		case 5:
			text += "\n\nSo kubernetes it is."
			want++
		}
		msgs = append(msgs, tm{role: role, text: text})
		want++
	}
	return buildConv("c-cutwords", "Hashes", testNow.Add(-time.Hour), msgs...), want
}

// TestHitsAcrossCutWords: a hit inside a word longer than the line is
// found across the line's end where the wrap cut the word, so "hit k/N"
// is the same at every width (it read 1/6 at 40 columns, 1/9 at 80 with
// six such messages), n lands on each hit and both halves of a cut one
// are highlighted: in the preview (placeholders), opened (Glamour's
// lines) and realised in full.
func TestHitsAcrossCutWords(t *testing.T) {
	c, want := cutWordsConv()
	for _, w := range []int{40, 57, 80, 101, 140} {
		m := filterPreview(t, w, 24, "kubernetes", c)
		v := m.view
		if v.conv != c {
			t.Fatalf("the preview shows %v", v.conv)
		}
		if got := hitTotal(t, v); got != want {
			t.Errorf("%d columns: the preview counts %d hits, want %d", w, got, want)
		}
		press(t, m, "enter")
		if got := hitTotal(t, v); got != want {
			t.Errorf("%d columns: opened, %d hits, want %d", w, got, want)
		}
		for i := range want {
			h := v.hits[v.curHit]
			text := v.plain[h.line][h.start:h.end]
			for _, p := range h.more {
				text += v.plain[p.line][p.start:p.end]
			}
			if text != "kubernetes" {
				t.Errorf("%d columns, hit %d (%s): highlighted %q", w, i+1, v.hitStatus(), text)
			}
			if on := h.line >= v.offset && h.lastLine() < v.offset+v.height; !on {
				t.Errorf("%d columns, hit %d: off screen", w, i+1)
			}
			press(t, m, "n")
		}
		if st := v.hitStatus(); st != fmt.Sprintf("hit 1/%d", want) {
			t.Errorf("%d columns: %d n came back to %q", w, want, st)
		}
		realiseAll(v)
		if got := hitTotal(t, v); got != want {
			t.Errorf("%d columns: realised, %d hits, want %d", w, got, want)
		}
	}
}

// TestCutWordsAreNotWordBreaks: two words the wrap broke at a space are
// not glued, even when the line's last word is long: "kubernetes" split
// over "…kuber" and "netes…" as two words of the text is no hit.
func TestCutWordsAreNotWordBreaks(t *testing.T) {
	long := strings.Repeat("x", 40)
	var msgs []tm
	for i := range 4 {
		msgs = append(msgs, tm{role: model.RoleUser, text: fmt.Sprintf("%d %s%skuber netes%s and one kubernetes", i, strings.Repeat("y", i*7), long, long)})
	}
	c := buildConv("c-breaks", "Breaks", testNow.Add(-time.Hour), msgs...)
	for _, w := range []int{40, 50, 60, 70, 80} {
		m := filterPreview(t, w, 24, "kubernetes", c)
		v := m.view
		press(t, m, "enter")
		if got := hitTotal(t, v); got != 4 {
			t.Errorf("%d columns: %d hits, want 4", w, got)
		}
	}
}

// TestCutWordHitGolden: the screen of a hit inside a hex string the wrap
// cut, made current by n: both halves highlighted (checked in the frame's
// styles here, the text in the golden), "hit k/9" at 40 and 80 columns.
func TestCutWordHitGolden(t *testing.T) {
	c, want := cutWordsConv()
	for _, sz := range [][2]int{{40, 16}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := filterPreview(t, sz[0], sz[1], "kubernetes", c)
			press(t, m, "enter")
			v := m.view
			for range want {
				if len(v.hits[v.curHit].more) > 0 {
					break
				}
				press(t, m, "n")
			}
			h := v.hits[v.curHit]
			if len(h.more) == 0 {
				t.Fatalf("no hit is cut: the golden proves nothing")
			}
			if st := v.hitStatus(); !strings.HasSuffix(st, fmt.Sprintf("/%d", want)) {
				t.Fatalf("status %q", st)
			}
			cur := v.styles.HitCurrent.Render("x")
			on := cur[:strings.Index(cur, "x")] // the current hit's opening SGR
			frame := strings.Split(v.View(), "\n")
			for _, p := range append([]hitPos{h}, h.more...) {
				row := p.line - v.offset
				if row < 0 || row >= len(frame) || !strings.Contains(frame[row], on+v.plain[p.line][p.start:p.end]) {
					t.Errorf("piece %q of the current hit is not drawn highlighted", v.plain[p.line][p.start:p.end])
				}
			}
			golden.RequireEqual(t, screen(m))
		})
	}
}
