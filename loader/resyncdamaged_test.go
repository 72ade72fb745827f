package loader

import (
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// After malformed data, resync stops at a conversation whose opening is
// damaged in its second key, as the scanner does inside a conversation
// (damagedStart): it was skipped with the malformed data, lost without
// being counted (FuzzDamage ed5276eebe9e3fd7).
func TestResyncStopsAtDamagedOpening(t *testing.T) {
	conv := func(title, k2 string) string {
		return `{"title": "` + title + `", "` + k2 + `": 1700000000, "mapping": {"n": {"id": "n", "message": {"id": "m", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}}, "children": []}}}`
	}
	data := "[" + conv("a", "create_time") + `, "junk": {"x": 1}, ` + conv("b", "creaXe_time") + ", " + conv("c", "create_time") + "]"
	o := loadDamaged(t, t.TempDir(), "conversations.json", []byte(data))
	if o.err != nil {
		t.Fatal(o.err)
	}
	var titles []string
	for _, c := range o.a.Conversations {
		titles = append(titles, c.Title)
	}
	slices.Sort(titles)
	if strings.Join(titles, " ") != "a b c" || o.skipped != 0 {
		t.Fatalf("loaded %q; %s", titles, o)
	}
	junk := 0
	for _, w := range o.a.Warnings {
		if w.Kind == model.WarnData && strings.Contains(w.Reason, "malformed data") {
			junk++
		}
	}
	if junk != 1 {
		t.Errorf("want the malformed data reported once: %s", o)
	}
}

// FuzzDamage 8f72ebfa5fb5b9da: the first conversation's '{' damaged (the
// formats' openings stand in for the file's, knownSig) and a byte
// inserted after the next one's title: resync passed that one by, lost
// without being counted.
func TestResyncStopsAtDamagedOpeningKnown(t *testing.T) {
	conv := func(title, after string) string {
		return `{"title": "` + title + `"` + after + `, "create_time": 1700000000, "mapping": {"n": {"id": "n", "message": {"id": "m", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}}, "children": []}}}`
	}
	data := "[K" + conv("a", "")[1:] + ", " + conv("b", "0") + ", " + conv("c", "") + "]"
	o := loadDamaged(t, t.TempDir(), "conversations.json", []byte(data))
	if o.err != nil || o.loaded+o.skipped != 3 || o.loaded < 1 {
		t.Fatalf("want every conversation loaded or counted; got %s", o)
	}
}

// FuzzDamage c342bef8f712f694: the space between two conversations
// damaged into '{' ("},{{\"title\""): that '{' held no conversation, yet
// it was reported as one skipped, counted twice.
func TestStrayBraceIsNoConversation(t *testing.T) {
	conv := func(title string) string {
		return `{"title": "` + title + `", "create_time": 1700000000, "mapping": {"n": {"id": "n", "message": {"id": "m", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}}, "children": []}}}`
	}
	data := "[" + conv("a") + ",{" + conv("b") + ", " + conv("c") + "]"
	o := loadDamaged(t, t.TempDir(), "conversations.json", []byte(data))
	if o.err != nil || o.loaded != 3 || o.skipped != 0 {
		t.Fatalf("want 3 loaded, none skipped; got %s", o)
	}
}
