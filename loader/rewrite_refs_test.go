package loader

import "testing"

// TestRewriteKeepsMarkerLabels: a 【N†label】 marker's label becomes the
// reference's title, cut from the decoded text; writing the resolved text
// over the decoded one in the arena must not overwrite it.
func TestRewriteKeepsMarkerLabels(t *testing.T) {
	id := "c1"
	text := "See 【4:0†report.pdf】 for details, and 【5:1†notes — ünïcode.md†p. 3】 too."
	c := conv(id, "T", id+"-a", 1700000100,
		node(id+"-r", "", "", id+"-u"),
		node(id+"-u", id+"-r", msg(id+"-u", "user", "q"), id+"-a"),
		node(id+"-a", id+"-u", msg(id+"-a", "assistant", text)),
	)
	a := mustOpen(t, writeFile(t, t.TempDir(), "conversations.json", array(c)))
	want := []string{"report.pdf", "notes — ünïcode.md (p. 3)"}
	var got []string
	for _, n := range a.Conversations[0].Tree() {
		if m := n.Msg; m != nil && m.Role() == "assistant" {
			for _, r := range m.References() {
				got = append(got, r.Title)
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("references %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reference %d title %q, want %q", i+1, got[i], want[i])
		}
	}
}
