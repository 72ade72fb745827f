package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestPackedTimeRoundTrips(t *testing.T) {
	fixed := time.FixedZone("", 2*3600)
	named := time.FixedZone("CEST", 2*3600)
	now := time.Now() // has a monotonic reading
	for _, tm := range []time.Time{
		{},
		time.Unix(0, 0).UTC(),
		time.Unix(0, 0),
		time.Unix(1700000000, 123456789).UTC(),
		time.Unix(1700000000, 123456789),
		time.Unix(-1, 999999999).UTC(), // just before 1970
		time.Date(1600, 1, 1, 0, 0, 0, 5, time.UTC),     // before Unix nanoseconds reach
		time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC),     // at the edge
		time.Date(2262, 4, 11, 23, 47, 16, 0, time.UTC), // at the other
		time.Date(5138, 11, 16, 9, 46, 40, 0, time.UTC), // the loader's latest (1e11 s)
		time.Date(-1200, 1, 1, 0, 0, 0, 0, time.UTC),    // and earliest
		time.Date(2024, 5, 1, 12, 0, 0, 0, fixed),       // time.Parse of "+02:00"
		time.Date(2024, 5, 1, 12, 0, 0, 0, named),
		time.Time{}.In(fixed), // zero instant, not the zero Time
		now,
		now.Round(0),
	} {
		var m Message
		m.SetTime(tm)
		got := m.Time()
		if got != tm || got.Location() != tm.Location() {
			t.Errorf("SetTime(%v [%v]): Time() = %v [%v]", tm, tm.Location(), got, got.Location())
		}
		if got.IsZero() != tm.IsZero() {
			t.Errorf("SetTime(%v): IsZero %v, want %v", tm, got.IsZero(), tm.IsZero())
		}
		// Setting a packable time afterwards leaves nothing behind.
		m.SetTime(time.Unix(5, 0).UTC())
		if m.Extra != nil && m.Extra.time != (time.Time{}) {
			t.Errorf("after SetTime(%v), a packed time left Extra.time = %v", tm, m.Extra.time)
		}
		m.SetTime(time.Time{})
		if !m.Time().IsZero() || m.Time() != (time.Time{}) {
			t.Errorf("SetTime(zero) after %v: Time() = %v", tm, m.Time())
		}
	}
	var zero Message
	if zero.Time() != (time.Time{}) {
		t.Errorf("zero Message: Time() = %v", zero.Time())
	}
}

func TestPackedTimeKeepsExtraUnallocated(t *testing.T) {
	var m Message
	m.SetTime(time.Unix(1700000000, 0).UTC())
	m.SetTime(time.Unix(1700000000, 0))
	if m.Extra != nil {
		t.Errorf("a UTC or Local time allocated Extra")
	}
	m.SetTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("", 3600)))
	if m.Extra == nil {
		t.Errorf("a fixed-zone time was not kept in Extra")
	}
}

func TestPackedStrings(t *testing.T) {
	type field struct {
		name string
		set  func(*Message, string)
		get  func(*Message) string
	}
	fields := []field{
		{"Status", (*Message).SetStatus, (*Message).Status},
		{"ContentType", (*Message).SetContentType, (*Message).ContentType},
		{"Recipient", (*Message).SetRecipient, (*Message).Recipient},
		{"Role", func(m *Message, s string) { m.SetRole(Role(s)) }, func(m *Message) string { return string(m.Role()) }},
	}
	for _, f := range fields {
		for _, s := range []string{"", "finished_successfully", "text", "all", "python", "user", "tool", "critic", "a status no table names", "Text", " all", "\x00", "é"} {
			var m Message
			f.set(&m, s)
			if got := f.get(&m); got != s {
				t.Errorf("%s: set %q, got %q", f.name, s, got)
			}
			// Another field's rare value in Extra is kept apart.
			for _, g := range fields {
				if g.name != f.name {
					g.set(&m, "rare "+g.name)
				}
			}
			if got := f.get(&m); got != s {
				t.Errorf("%s: set %q, got %q after the others were set", f.name, s, got)
			}
			for _, g := range fields {
				if g.name != f.name && g.get(&m) != "rare "+g.name {
					t.Errorf("%s: got %q", g.name, g.get(&m))
				}
			}
			// A common value after a rare one clears Extra's copy.
			f.set(&m, "rare")
			f.set(&m, "")
			if got := f.get(&m); got != "" {
				t.Errorf("%s: set rare then \"\", got %q", f.name, got)
			}
		}
	}
	// Extra set first (as the loader and the snapshot do) keeps its fields.
	m := Message{Extra: &MessageExtra{AuthorName: "python"}}
	m.SetStatus("odd")
	m.SetRecipient("python")
	if m.AuthorName() != "python" || m.Status() != "odd" || m.Recipient() != "python" {
		t.Errorf("got author %q status %q recipient %q", m.AuthorName(), m.Status(), m.Recipient())
	}
	var common Message
	common.SetStatus("finished_successfully")
	common.SetContentType("multimodal_text")
	common.SetRecipient("canmore.update_textdoc")
	common.SetRole(RoleAssistant)
	if common.Extra != nil {
		t.Errorf("common values allocated Extra")
	}
}

func TestPackedEndTurn(t *testing.T) {
	var m Message
	if v, ok := m.EndTurn(); v || ok {
		t.Errorf("zero Message: EndTurn() = %v, %v", v, ok)
	}
	m.SetEndTurn(true)
	if v, ok := m.EndTurn(); !v || !ok {
		t.Errorf("SetEndTurn(true): EndTurn() = %v, %v", v, ok)
	}
	m.SetEndTurn(false)
	if v, ok := m.EndTurn(); v || !ok {
		t.Errorf("SetEndTurn(false): EndTurn() = %v, %v", v, ok)
	}
	m.SetEndTurn(true)
	m.ClearEndTurn()
	if v, ok := m.EndTurn(); v || ok {
		t.Errorf("ClearEndTurn: EndTurn() = %v, %v", v, ok)
	}
	// The flags share a byte with the time's: neither disturbs the other.
	tm := time.Unix(1700000000, 0).UTC()
	m.SetTime(tm)
	m.SetEndTurn(true)
	m.SetTime(tm)
	if v, ok := m.EndTurn(); !v || !ok || m.Time() != tm {
		t.Errorf("EndTurn %v %v, Time %v", v, ok, m.Time())
	}
}

func TestPackedTablesAreUnique(t *testing.T) {
	// newCodeTable panics on a duplicate; the tables were built at init.
	for _, tab := range []*codeTable{statusCodes, typeCodes, recipientCodes} {
		for i, n := range tab.names {
			if tab.code(n) != uint8(i) || tab.name(uint8(i), "") != n {
				t.Errorf("table entry %d %q does not round-trip", i, n)
			}
		}
	}
}

func TestPackedBlockType(t *testing.T) {
	for _, s := range []string{"", "text", "image_asset_pointer", "tool_use", "a part type no table names", "TEXT"} {
		var b Block
		b.SetType(s)
		if b.Type() != s {
			t.Errorf("SetType(%q): Type() = %q", s, b.Type())
		}
		if w := (Block{Kind: BlockUnknown, Extra: &BlockExtra{Raw: []byte("{}")}}).WithType(s); w.Type() != s || string(w.Raw()) != "{}" {
			t.Errorf("WithType(%q): Type() = %q, Raw %q", s, w.Type(), w.Raw())
		}
		b.SetType("text")
		if b.Type() != "text" || (b.Extra != nil && b.Extra.typ != "") {
			t.Errorf("SetType(text) after %q: Type() = %q, Extra %+v", s, b.Type(), b.Extra)
		}
	}
	var b Block
	b.SetType("code")
	if b.Extra != nil {
		t.Errorf("a common type allocated Extra")
	}
	if (Block{}).Type() != "" {
		t.Errorf("zero Block: Type() = %q", (Block{}).Type())
	}
}

func TestPackedSizes(t *testing.T) {
	// Not a speed target: the sizes the packing exists for (see Message
	// and Block).
	if s := unsafe.Sizeof(Message{}); s > 64 {
		t.Errorf("Message is %d bytes, want ≤ 64", s)
	}
	if s := unsafe.Sizeof(Block{}); s > 32 {
		t.Errorf("Block is %d bytes, want ≤ 32", s)
	}
	if s := unsafe.Sizeof(Node{}); s > 40 {
		t.Errorf("Node is %d bytes, want ≤ 40", s)
	}
}

func TestNodeChildren(t *testing.T) {
	var n Node
	if n.Children() != nil {
		t.Errorf("zero Node: Children() = %v", n.Children())
	}
	n.SetChildren([]int32{})
	if k := n.Children(); k == nil || len(k) != 0 {
		t.Errorf("SetChildren(empty): Children() = %#v", k)
	}
	n.AddChild(3)
	n.AddChild(1)
	if k := n.Children(); !slices.Equal(k, []int32{3, 1}) || cap(k) != 2 {
		t.Errorf("AddChild 3, 1: Children() = %v (cap %d)", k, cap(k))
	}
	n.SetChildren(nil)
	if n.Children() != nil {
		t.Errorf("SetChildren(nil): Children() = %v", n.Children())
	}
	if k := (Node{Key: "k"}).WithChildren([]int32{7}).Children(); !slices.Equal(k, []int32{7}) {
		t.Errorf("WithChildren: %v", k)
	}
	// Appending to what Children returns never writes into a neighbour's.
	all := []int32{1, 2, 3}
	var a, b Node
	a.SetChildren(all[:1])
	b.SetChildren(all[1:])
	_ = append(a.Children(), 9)
	if !slices.Equal(b.Children(), []int32{2, 3}) {
		t.Errorf("append to a's children wrote into b's: %v", b.Children())
	}
}

func TestLinkChildrenMatchesAppending(t *testing.T) {
	for _, parents := range [][]int32{
		{},
		{NoNode},
		{NoNode, 0, 0, 1, 0},
		{NoNode, 0, 1, 2, 3},
		{1, 0, 2, NoNode, 99, -7, 3}, // a cycle, a self-parent, parents out of range
	} {
		want := make([]Node, len(parents))
		got := make([]Node, len(parents))
		for i, p := range parents {
			want[i].Parent, got[i].Parent = p, p
		}
		for i := range want {
			if p := want[i].Parent; p >= 0 && int(p) < len(want) {
				want[p].AddChild(int32(i))
			}
		}
		LinkChildren(got)
		for i := range want {
			w, g := want[i].Children(), got[i].Children()
			if (w == nil) != (g == nil) || !slices.Equal(w, g) || cap(g) != len(g) {
				t.Errorf("parents %v: node %d: children %v (cap %d), want %v", parents, i, g, cap(g), w)
			}
		}
	}
}

func TestPackedModel(t *testing.T) {
	var m Message
	m.SetModel("gpt-4o")
	if m.Model() != "gpt-4o" || m.Extra != nil {
		t.Fatalf("common slug: %q, Extra %v", m.Model(), m.Extra)
	}
	long := strings.Repeat("x", maxInternedSlug+1)
	m.SetModel(long)
	if m.Model() != long || m.Extra == nil || m.Extra.model != long {
		t.Fatalf("long slug: %q, Extra %+v", m.Model(), m.Extra)
	}
	m.SetModel("o3-mini")
	if m.Model() != "o3-mini" || m.Extra.model != "" {
		t.Fatalf("packed after a long slug: %q, Extra %q", m.Model(), m.Extra.model)
	}
	m.SetModel("")
	if m.Model() != "" || m.model != 0 {
		t.Fatalf("cleared: %q, code %d", m.Model(), m.model)
	}
}

// The table outlives the text a slug was set from (a load's arena is
// unmapped with its archive): it keeps a copy.
func TestPackedModelCopiesTheSlug(t *testing.T) {
	b := []byte("model-slug-only-this-test-sets")
	var m Message
	m.SetModel(unsafe.String(&b[0], len(b)))
	copy(b, "XXXXX")
	var n Message
	n.SetModel("model-slug-only-this-test-sets")
	if m.Model() != "model-slug-only-this-test-sets" || n.Model() != m.Model() || n.model != m.model {
		t.Fatalf("after the bytes changed: %q (%d), %q (%d)", m.Model(), m.model, n.Model(), n.model)
	}
}

func TestInternTableFull(t *testing.T) {
	var tab internTable
	for i := 1; i < codeExtra; i++ {
		if c := tab.code(fmt.Sprint("slug-", i)); int(c) != i {
			t.Fatalf("slug %d: code %d", i, c)
		}
	}
	if c := tab.code("one-too-many"); c != codeExtra {
		t.Fatalf("full table: code %d", c)
	}
	if c := tab.code("slug-7"); c != 7 || tab.name(7, "") != "slug-7" {
		t.Fatalf("slug-7 again: code %d, name %q", c, tab.name(7, ""))
	}
	if tab.name(codeExtra, "kept") != "kept" || tab.name(0, "x") != "" {
		t.Fatal("name of 0 or codeExtra")
	}
}

func TestPackedLang(t *testing.T) {
	b := Block{Kind: BlockCode}.WithLang("python")
	if b.Lang() != "python" || b.Extra != nil {
		t.Fatalf("common language: %q, Extra %v", b.Lang(), b.Extra)
	}
	long := strings.Repeat("y", maxInternedSlug+1)
	b.SetLang(long)
	if b.Lang() != long || b.Extra == nil || b.Extra.lang != long {
		t.Fatalf("long language: %q, Extra %+v", b.Lang(), b.Extra)
	}
	b.SetLang("code/python")
	if b.Lang() != "code/python" || b.Extra.lang != "" {
		t.Fatalf("packed after a long language: %q, Extra %q", b.Lang(), b.Extra.lang)
	}
	if (Block{}).Lang() != "" {
		t.Fatalf("zero Block: Lang() = %q", (Block{}).Lang())
	}
}
