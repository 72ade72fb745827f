package loader

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/internal/testkit/msgkit"
)

// TestCombine: Combine of the loads of the first k exports and of the
// rest equals the load of all of them, for three exports of one account
// and one of another (sharing conversations with newer, older and equal
// update times, one dropped by the newest export, account files and
// skipped objects in some), at every split.
func TestCombine(t *testing.T) {
	base := genArray(t, gen.Config{Seed: 17, Conversations: 24, NoHuge: true})
	other := genArray(t, gen.Config{Seed: 18, Conversations: 4, NoHuge: true})
	latest := 0.0
	for _, c := range base {
		latest = max(latest, field[float64](t, c, "update_time"))
	}
	at := func(c json.RawMessage, d float64) json.RawMessage {
		return edit(t, c, map[string]any{"update_time": field[float64](t, c, "update_time") + d})
	}
	root := t.TempDir()
	// Named against their order, so that the warnings' order (by file)
	// is not the exports'.
	dirs := []string{filepath.Join(root, "z"), filepath.Join(root, "y"), filepath.Join(root, "x"), filepath.Join(root, "w")}
	// a: the first 12; b: 6–18, one retitled at the same update time,
	// one newer, one older; c: 10–24 without 15, one newer than all; d:
	// another account, newest of all.
	a := base[:12:12]
	var b []json.RawMessage
	for i := 6; i < 18; i++ {
		c := base[i]
		switch i {
		case 7:
			c = edit(t, c, map[string]any{"title": "Same time, other title"})
		case 8:
			c = at(c, 3600)
		case 9:
			c = at(c, -3600)
		}
		b = append(b, c)
	}
	b = append(b, edit(t, base[17], map[string]any{"update_time": latest + 100}))
	var c []json.RawMessage
	for i := 10; i < 24; i++ {
		if i != 15 {
			c = append(c, base[i])
		}
	}
	c = append(c, edit(t, base[11], map[string]any{"title": "Newest", "update_time": latest + 200}))
	d := []json.RawMessage{edit(t, other[0], map[string]any{"update_time": latest + 300}), other[1], other[2]}
	skipped := json.RawMessage(`{"title":"no mapping","update_time":1}`)
	writeArray(t, dirs[0], "conversations.json", append(a, skipped))
	writeArray(t, dirs[1], "conversations.json", b)
	writeArray(t, dirs[2], "conversations.json", append(c, skipped))
	writeArray(t, dirs[3], "conversations.json", d)
	writeFile(t, dirs[0], "user.json", `{"id":"user-abc","email":"me@example.com"}`)
	writeFile(t, dirs[1], "user.json", `{"id":"user-abc","email":"me@example.com","chatgpt_plus_user":true}`)
	writeFile(t, dirs[2], "user.json", `{"id":"user-abc","email":"me@example.com"}`) // a's again
	writeFile(t, dirs[3], "user.json", `{"id":"user-xyz","email":"you@example.com"}`)

	for n := 2; n <= len(dirs); n++ {
		want := mustOpen(t, dirs[:n]...)
		if n == len(dirs) && (len(want.Warnings) == 0 || len(want.Accounts) != 3) {
			t.Fatalf("the exports load with warnings %v, accounts %v: the test needs both", want.Warnings, want.Accounts)
		}
		for k := 1; k < n; k++ {
			got := Combine(mustOpen(t, dirs[:k]...), mustOpen(t, dirs[k:n]...))
			what := fmt.Sprintf("%d exports split after %d", n, k)
			if !reflect.DeepEqual(got.Sources, want.Sources) || !reflect.DeepEqual(got.Warnings, want.Warnings) || !reflect.DeepEqual(got.Accounts, want.Accounts) {
				t.Errorf("%s: sources %q warnings %v accounts %v, want %q %v %v", what, got.Sources, got.Warnings, got.Accounts, want.Sources, want.Warnings, want.Accounts)
			}
			if len(got.Conversations) != len(want.Conversations) {
				t.Fatalf("%s: %d conversations, want %d", what, len(got.Conversations), len(want.Conversations))
			}
			for i, g := range got.Conversations {
				if w := want.Conversations[i]; !reflect.DeepEqual(g, w) || !msgkit.SameChildren(g.Nodes, w.Nodes) {
					t.Errorf("%s: conversation %d: %s %q %q in newest %v, want %s %q %q %v", what, i, g.ID, g.Title, g.Sources, g.InNewest, w.ID, w.Title, w.Sources, w.InNewest)
				}
			}
		}
	}
}
