package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// cutAlphabet is what FuzzCutHits builds words of: letters, digits and
// accented letters (folded by the matcher), nothing Markdown reads. The
// terms hold one of k, q, x or z, which no header, date or model name of
// the conversation has, so every hit is in the message's words.
const cutAlphabet = "0123456789abcdefkqxzKQXZéÉ"

// cutText maps fuzz bytes to a message's words: 0xF0 and above insert
// the term, 0xE0–0xEF a space, anything else a letter of cutAlphabet.
func cutText(word []byte, term string) string {
	abc := []rune(cutAlphabet)
	var b strings.Builder
	for _, c := range word {
		switch {
		case c >= 0xF0:
			b.WriteString(term)
		case c >= 0xE0:
			b.WriteByte(' ')
		default:
			b.WriteRune(abc[int(c)%len(abc)])
		}
	}
	return b.String()
}

// cutTerm maps fuzz bytes to a term: letters of cutAlphabet only (a
// space would make it two terms of the filter's query).
func cutTerm(b string) string {
	abc := []rune(cutAlphabet)
	var t strings.Builder
	for _, c := range []byte(b) {
		t.WriteRune(abc[int(c)%len(abc)])
	}
	return t.String()
}

// cutBytes is the fuzz input cutTerm and cutText map to s.
func cutBytes(s string) string {
	abc := []rune(cutAlphabet)
	var b []byte
	for _, r := range s {
		for i, a := range abc {
			if a == r {
				b = append(b, byte(i))
			}
		}
	}
	return string(b)
}

// FuzzCutHits: every hit the matcher finds in a message's text (the
// engine's, search.Matcher) is found by the viewer at any width, words
// the wrap cut at a line's end included (cuthits.go), whether the words
// stand in a paragraph, a list item or a code block: the count of "hit
// k/N" is the matcher's, n steps through every hit, and each hit's pieces
// spell the term (folded) and are drawn highlighted.
//
//	go test ./tui -run '^$' -fuzz FuzzCutHits
func FuzzCutHits(f *testing.F) {
	hex := []byte(strings.Repeat("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 12))
	with := func(parts ...[]byte) []byte {
		return []byte(strings.Join(func() []string {
			var s []string
			for _, p := range parts {
				s = append(s, string(p))
			}
			return s
		}(), ""))
	}
	// The term every 11 to 22 letters of a 300-letter word: some cross
	// each line's end at any width.
	var dense []byte
	for i := range 12 {
		dense = append(append(dense, hex[:11+i]...), 0xF0)
	}
	for shape := range 3 {
		f.Add(dense, cutBytes("kafka8"), uint8(shape), uint8(27+shape*40))
	}
	f.Add(with(hex[:27], []byte{0xF0}, hex[:150]), cutBytes("kafka8"), uint8(0), uint8(10))
	f.Add(with(hex[:70], []byte{0xF0}, hex[:90], []byte{0xE0}, []byte{0xF0}), cutBytes("xzzx"), uint8(1), uint8(27))
	f.Add(with(hex[:30], []byte{0xF0}, hex[:160]), cutBytes("kq0"), uint8(2), uint8(50))
	f.Add(with(hex[:38], []byte{0xF0, 0xF0, 0xE0}, hex[:100], []byte{0xF0}), cutBytes("kÉx"), uint8(3), uint8(90))
	f.Fuzz(func(t *testing.T, word []byte, term string, shape, width uint8) {
		if len(word) > 600 {
			return
		}
		term = cutTerm(term)
		if n := len([]rune(term)); n < 2 || n > 16 || !strings.ContainsAny(strings.ToLower(term), "kqxz") {
			return
		}
		words := cutText(word, term)
		var text string
		switch shape % 3 {
		case 0:
			text = "Some words before " + words + " and after."
		case 1:
			text = "Items:\n\n- an item with " + words + " in it"
		default:
			text = "```\nx = \"" + words + "\"\n```"
		}
		want := len(search.NewMatcher(term).AppendRanges(nil, text))
		if want == 0 || want > 40 {
			return
		}
		c := buildConv("c-fuzzcut", "T", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: text})
		fold := search.Fold(term)
		for _, w := range []int{40, 30 + int(width)%140} {
			m := filterPreview(t, w, 24, term, c)
			v := m.view
			if v.conv != c {
				t.Fatalf("%d columns: the filter did not preview the conversation (%q)", w, text)
			}
			press(t, m, "enter")
			if got := hitTotal(t, v); got != want {
				t.Fatalf("%d columns: %d hits, the matcher finds %d in %q", w, got, want, text)
			}
			cur := v.styles.HitCurrent.Render("x")
			on := cur[:strings.Index(cur, "x")] // the current hit's opening SGR
			for i := range want {
				h := v.hits[v.curHit]
				got := ""
				frame := strings.Split(v.View(), "\n")
				for _, p := range append([]hitPos{h}, h.more...) {
					piece := v.plain[p.line][p.start:p.end]
					got += piece
					row := p.line - v.offset
					if row < 0 || row >= len(frame) || !strings.Contains(frame[row], on+piece) {
						t.Fatalf("%d columns, hit %d: piece %q not drawn highlighted (%q)", w, i+1, piece, text)
					}
				}
				if search.Fold(got) != fold {
					t.Fatalf("%d columns, hit %d: highlighted %q, term %q (%q)", w, i+1, got, term, text)
				}
				press(t, m, "n")
			}
		}
	})
}
