package model

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris without the system database
	"unicode"
)

func TestCountWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   \n\t", 0},
		{"Hello, world!", 2},
		{"don't stop", 2},
		{"don’t stop", 2},
		{"'quoted' words'", 2},
		{"' alone", 1},
		{"x=42; y=3.14", 5},
		{"snake_case-and-kebab", 4},
		{"日本語のテキスト", 8},
		{"Go言語で書く", 6}, // "Go" + five CJK characters
		{"naïve café résumé", 3},
		{"e\u0301cole ok", 2}, // combining acute continues the word
		{"Привет мир", 2},
		{"한국어 문장", 2}, // Hangul uses spaces: runs
		{"bad\xffbyte", 2},
		{"emoji 🎉 party", 2},
	} {
		want := tc.want
		if got := CountWords(tc.in); got != want {
			t.Errorf("CountWords(%q) = %d, want %d", tc.in, got, want)
		}
	}
}

// tb builds a conversation tree by hand for the stats tests.
type tb struct{ c *Conversation }

func newTB(id, title, slug string, created time.Time) *tb {
	return &tb{&Conversation{ID: id, Title: title, Model: slug, Created: created, Updated: created.Add(time.Hour),
		Nodes: []Node{{Key: "root", Parent: NoNode}}, Current: NoNode}}
}

// add appends a message below parent and returns its node index.
func (b *tb) add(parent int32, m *Message) int32 {
	n := int32(len(b.c.Nodes))
	b.c.Nodes = append(b.c.Nodes, Node{Key: "n" + string(rune('a'+n)), Parent: parent, Msg: m})
	b.c.Nodes[parent].AddChild(n)
	return n
}

func text(role Role, at time.Time, s string) *Message {
	return withPacked(withPacked(&Message{Blocks: []Block{{Kind: BlockText, Text: s}}}, packedFields{Role: role}), packedFields{Time: at})
}

func img(role Role, author, pointer, prompt string) *Message {
	return withPacked(&Message{Extra: &MessageExtra{AuthorName: author}, Blocks: []Block{{Kind: BlockImage, Extra: &BlockExtra{Asset: &Asset{Pointer: pointer, Prompt: prompt}}}}}, packedFields{Role: role})
}

// statsArchive is a small archive whose every figure is counted by hand in
// TestComputeStats.
func statsArchive() *Archive {
	d := func(m time.Month, day, h int) time.Time { return time.Date(2025, m, day, h, 0, 0, 0, time.UTC) }

	// A: January, gpt-4o, one regenerated answer (a branch) and a hidden system message.
	a := newTB("a", "Alpha", "gpt-4o", d(1, 15, 10))
	sys := a.add(0, withPacked(withPacked(&Message{Visibility: Hidden, Blocks: []Block{{Kind: BlockText, Text: "secret words here"}}}, packedFields{Role: RoleSystem}), packedFields{Time: d(1, 15, 10)}))
	u := a.add(sys, text(RoleUser, d(1, 15, 10), "Hello world"))
	a.add(u, text(RoleAssistant, d(1, 15, 10), "first try"))                    // other branch: not counted as visible
	last := a.add(u, text(RoleAssistant, d(1, 15, 11), "Hi there, friend! 42")) // 4 words
	a.c.Current = last

	// B: 2025-02-01 23:30 UTC (2 February in Paris), o3 with a GPT, starred and archived; media.
	b := newTB("b", "Bravo", "o3", time.Date(2025, 2, 1, 23, 30, 0, 0, time.UTC))
	b.c.GizmoID, b.c.Starred, b.c.Archived = "g-1", true, true
	bt := b.c.Created
	up := withPacked(withPacked(&Message{Blocks: []Block{
		{Kind: BlockImage, Extra: &BlockExtra{Asset: &Asset{Pointer: "file-service://file-u"}}},
		{Kind: BlockText, Text: "日本語"}}}, packedFields{Role: RoleUser}), packedFields{Time: bt})
	n := b.add(0, up)
	n = b.add(n, withPacked(withPacked(&Message{Blocks: []Block{{Kind: BlockText, Text: "don't stop"}}}, packedFields{Role: RoleAssistant, Model: "gpt-4o-mini"}), packedFields{Time: bt}))
	n = b.add(n, img(RoleTool, "dalle.text2im", "file-service://file-d", "a cat"))
	n = b.add(n, img(RoleTool, "internal_tool", "sediment://file_2", ""))
	n = b.add(n, img(RoleTool, "internal_tool", "sediment://file_2", "")) // progress repeat: same image
	n = b.add(n, img(RoleTool, "browser", "sediment://file_s", ""))       // screenshot
	n = b.add(n, withPacked(withPacked(&Message{Blocks: []Block{
		{Kind: BlockAudioTranscript, Text: "spoken words", Extra: &BlockExtra{Direction: "out"}},
		{Kind: BlockAudio, Extra: &BlockExtra{Asset: &Asset{Pointer: "sediment://file_a", Seconds: 12.5}}}}}, packedFields{Role: RoleAssistant}), packedFields{Time: bt}))
	n = b.add(n, withPacked(withPacked(&Message{Blocks: []Block{{Kind: BlockAudio, Extra: &BlockExtra{Asset: &Asset{Pointer: "sediment://file_b"}}}}}, packedFields{Role: RoleUser}), packedFields{Time: bt}))
	b.c.Current = n
	// Tool messages have no time: they are dated by the conversation.

	// C: no times at all, no model, current_node missing.
	c := newTB("c", "", "", time.Time{})
	c.c.Updated = time.Time{}
	c.add(0, text(RoleUser, time.Time{}, "x y z"))

	return &Archive{Conversations: []*Conversation{a.c, b.c, c.c}}
}

func TestComputeStats(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	s := ComputeStats(statsArchive(), paris)
	want := Stats{
		Location:      "Europe/Paris",
		Conversations: 3,
		Messages:      2 + 8 + 1, // A: user + last answer; B: 8 messages, all shown or folded; C: 1
		AllMessages:   4 + 8 + 1,
		// A: the user and both answers, not the hidden system message.
		MessagesAllBranches: 3 + 8 + 1,
		Nodes:               5 + 9 + 2,
		First:               time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC).In(paris),
		Last:                time.Date(2025, 2, 2, 0, 30, 0, 0, time.UTC).In(paris),
		Archived:            1, Starred: 1,
		BranchPoints: 1, BranchedConversations: 1,
		Months: []MonthStats{
			{Month: "2025-01", Conversations: 1, Messages: 2, AllMessages: 4},
			{Month: "2025-02", Conversations: 1, Messages: 8, AllMessages: 8},
		},
		UndatedConversations: 1, UndatedMessages: 1,
		Models: []ModelStats{
			{Model: "gpt-4o", Conversations: 1, Messages: 1},
			{Model: "o3", Conversations: 1, Messages: 1}, // B's audio answer has no slug of its own
			{Model: "gpt-4o-mini", Messages: 1},
			{Model: "", Conversations: 1},
		},
		GPTs:        []GPTStats{{GizmoID: "g-1", Conversations: 1, Messages: 8}},
		BusiestDays: []DayStats{{Date: "2025-02-02", Messages: 8}, {Date: "2025-01-15", Messages: 2}},
		LongestByMessages: []ConvStats{
			{ID: "b", Title: "Bravo", Created: time.Date(2025, 2, 1, 23, 30, 0, 0, time.UTC).In(paris), Messages: 8, Words: 5},
			{ID: "a", Title: "Alpha", Created: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC).In(paris), Messages: 2, Words: 6},
			{ID: "c", Messages: 1, Words: 3},
		},
		LongestByWords: []ConvStats{
			{ID: "a", Title: "Alpha", Created: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC).In(paris), Messages: 2, Words: 6},
			{ID: "b", Title: "Bravo", Created: time.Date(2025, 2, 1, 23, 30, 0, 0, time.UTC).In(paris), Messages: 8, Words: 5},
			{ID: "c", Messages: 1, Words: 3},
		},
		WordsWritten:    2 + 3 + 3, // "Hello world", 日本語, "x y z"
		WordsRead:       4 + 2,     // "Hi there, friend! 42", "don't stop"
		ImagesGenerated: 2, ImagesUploaded: 1, ImagesOther: 1,
		VoiceMessages: 2, AudioClips: 2, VoiceSeconds: 12.5, VoiceTimed: 1,
	}
	if !reflect.DeepEqual(s, want) {
		gotJ, _ := json.MarshalIndent(s, "", " ")
		wantJ, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("ComputeStats:\n got %s\nwant %s", gotJ, wantJ)
	}
}

func TestComputeStatsEmpty(t *testing.T) {
	for _, a := range []*Archive{nil, {}, {Conversations: []*Conversation{nil, {}}}} {
		s := ComputeStats(a, nil)
		if s.Location != "UTC" || s.Messages != 0 || len(s.Months) != 0 {
			t.Errorf("empty archive: %+v", s)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestComputeStatsCycle: a parent cycle must neither hang nor overflow.
func TestComputeStatsCycle(t *testing.T) {
	c := &Conversation{ID: "cyc", Current: 1, Nodes: []Node{
		Node{Key: "a", Parent: 1, Msg: text(RoleUser, time.Time{}, "one")}.WithChildren([]int32{1}),
		Node{Key: "b", Parent: 0, Msg: text(RoleAssistant, time.Time{}, "two three")}.WithChildren([]int32{0}),
	}}
	s := ComputeStats(&Archive{Conversations: []*Conversation{c}}, time.UTC)
	if s.Messages != 2 || s.WordsWritten != 1 || s.WordsRead != 2 {
		t.Errorf("cycle: %+v", s)
	}
}

// TestComputeStatsLongChain: a 100,000-message chain is walked without recursion.
func TestComputeStatsLongChain(t *testing.T) {
	b := newTB("long", "Long", "gpt-4o", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	n := int32(0)
	for i := range 100000 {
		role := RoleUser
		if i%2 == 1 {
			role = RoleAssistant
		}
		n = b.add(n, text(role, time.Time{}, "w"))
	}
	b.c.Current = n
	s := ComputeStats(&Archive{Conversations: []*Conversation{b.c}}, time.UTC)
	if s.Messages != 100000 || s.WordsWritten != 50000 || s.WordsRead != 50000 || s.Months[0].Messages != 100000 {
		t.Errorf("chain: messages %d, words %d/%d", s.Messages, s.WordsWritten, s.WordsRead)
	}
}

// TestComputeStatsTopN keeps exactly TopN entries, largest first.
func TestComputeStatsTopN(t *testing.T) {
	var a Archive
	for i := range 25 {
		b := newTB(strings.Repeat("x", i+1), "", "m", time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC))
		n := int32(0)
		for range i + 1 {
			n = b.add(n, text(RoleUser, time.Time{}, "a b"))
		}
		b.c.Current = n
		a.Conversations = append(a.Conversations, b.c)
	}
	s := ComputeStats(&a, time.UTC)
	if len(s.LongestByMessages) != TopN || len(s.LongestByWords) != TopN || len(s.BusiestDays) != TopN {
		t.Fatalf("lengths %d %d %d", len(s.LongestByMessages), len(s.LongestByWords), len(s.BusiestDays))
	}
	for i, c := range s.LongestByMessages {
		if c.Messages != 25-i || c.Words != 2*(25-i) {
			t.Errorf("rank %d: %+v", i, c)
		}
	}
	if s.BusiestDays[0] != (DayStats{Date: "2025-01-25", Messages: 25}) {
		t.Errorf("busiest: %+v", s.BusiestDays[0])
	}
}

// refCountWords is CountWords' rules applied rune by rune, without the
// eight-byte fast path, to check that path against.
func refCountWords(s string) int {
	n, in := 0, false
	rs := []rune(strings.ToValidUTF8(s, "\x00"))
	for i, r := range rs {
		switch {
		case isCJK(r):
			n, in = n+1, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !in {
				n++
			}
			in = true
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		case r == '\'' || r == '\u2019':
			in = in && i+1 < len(rs) && rs[i+1] < 0x80 && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1]))
		default:
			in = false
		}
	}
	return n
}

func FuzzCountWords(f *testing.F) {
	for _, s := range []string{"Hello, world! don't stop", "a'b 'c' d'", "naïve 数据 ok\xff", "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{/:09",
		"12345678 abcdefgh'ijklmnop", strings.Repeat("x y ", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := CountWords(s), refCountWords(s); got != want {
			t.Errorf("CountWords(%q) = %d, reference %d", s, got, want)
		}
	})
}

// TestCountWordsAllASCII checks the eight-byte path on every ASCII byte in
// every position of a chunk, against the reference.
func TestCountWordsAllASCII(t *testing.T) {
	for c := range 128 {
		for pos := range 9 {
			b := []byte("ab cd ef gh ij")
			if pos < len(b) {
				b[pos] = byte(c)
			}
			s := string(b)
			if got, want := CountWords(s), refCountWords(s); got != want {
				t.Errorf("CountWords(%q) = %d, reference %d", s, got, want)
			}
		}
	}
}

// TestStatsDateCache: the cached day conversion agrees with time.In for
// times in order, out of order and across daylight-saving changes.
func TestStatsDateCache(t *testing.T) {
	for _, name := range []string{"Europe/Paris", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		acc := &statsAcc{loc: loc, dayLo: 1}
		tm := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 40000 {
			step := time.Duration(i%7+1) * 37 * time.Minute
			if i%5 == 0 {
				step = -3 * step // go back now and then
			}
			tm = tm.Add(step)
			y, m, d := acc.date(tm)
			wy, wm, wd := tm.In(loc).Date()
			if y != wy || m != int(wm) || d != wd {
				t.Fatalf("%s: %v: got %d-%d-%d, want %v", name, tm, y, m, d, tm.In(loc).Format("2006-01-02"))
			}
		}
	}
}
