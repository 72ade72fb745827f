package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// benchLoad loads BACKCHAT_BENCH_ARCHIVE for the benchmarks. It is nil unless
// a file built with the backchat_loader tag sets it (the loader is not a
// dependency of tui).
var benchLoad func(path string) (*model.Archive, error)

var benchWords = strings.Fields(`the of and to in is that for it as was with be by on not he this are or his from at
which but have an they you were her she there been one all we their has would when if so no will more can
goroutine channel interface generic function return struct pointer slice map error context deadline buffer
Paris Berlin München Zürich café naïve résumé 東京 データ 🎉 emoji photosynthesis mitochondria quantum`)

// synthConv builds a conversation of about size bytes of Markdown-ish text in
// messages of about msgSize bytes.
func synthConv(r *rand.Rand, id int, size, msgSize int, when time.Time) *model.Conversation {
	var msgs []tm
	for done := 0; done < size; {
		var b strings.Builder
		for b.Len() < msgSize {
			switch r.IntN(12) {
			case 0:
				b.WriteString("\n\n```go\nfunc f(x int) int {\n\treturn x * 2\n}\n```\n\n")
			case 1:
				b.WriteString("\n\n- item one\n- item two\n\n")
			default:
				for i := 0; i < 12; i++ {
					b.WriteString(benchWords[r.IntN(len(benchWords))])
					b.WriteByte(' ')
				}
				b.WriteString(". ")
			}
		}
		role := model.RoleUser
		if len(msgs)%2 == 1 {
			role = model.RoleAssistant
		}
		msgs = append(msgs, tm{role: role, text: b.String()})
		done += b.Len()
	}
	title := fmt.Sprintf("Conversation %d about %s", id, benchWords[r.IntN(len(benchWords))])
	return buildConv(fmt.Sprintf("c%d", id), title, when, msgs...)
}

var (
	synthOnce sync.Once
	synthArch *model.Archive
)

// benchArchive is BACKCHAT_BENCH_ARCHIVE when set and loadable, else a
// synthetic in-memory archive of 2,000 conversations and about 50 MB.
func benchArchive(b *testing.B) *model.Archive {
	if p := os.Getenv("BACKCHAT_BENCH_ARCHIVE"); p != "" {
		if benchLoad == nil {
			b.Fatalf("BACKCHAT_BENCH_ARCHIVE is set but this test binary has no loader (build with -tags backchat_loader)")
		}
		a, err := benchLoad(p)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	synthOnce.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		a := &model.Archive{}
		for i := 0; i < 2000; i++ {
			a.Conversations = append(a.Conversations, synthConv(r, i, 25_000, 2_500, testNow.Add(-time.Duration(i)*time.Hour)))
		}
		synthArch = a
	})
	return synthArch
}

func archiveBytes(a *model.Archive) int {
	n := 0
	for _, c := range a.Conversations {
		for _, nd := range c.Nodes {
			if nd.Msg != nil {
				for _, b := range nd.Msg.Blocks {
					n += len(b.Text)
				}
			}
		}
	}
	return n
}

// BenchmarkFilterKeystroke measures one filter keystroke: "update" is the
// event-loop cost (Update with the key press; the search runs in a command),
// "search" is the off-loop search answering it, over the whole archive, as
// the user types "goroutine channel" letter by letter.
func BenchmarkFilterKeystroke(b *testing.B) {
	a := benchArchive(b)
	b.Logf("archive: %d conversations, %.1f MB text", len(a.Conversations), float64(archiveBytes(a))/1e6)
	query := "goroutine channel"
	b.Run("update", func(b *testing.B) {
		m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
		m.Update(keyMsg("/"))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.Update(keyMsg(string(query[i%len(query)])))
			if i%len(query) == len(query)-1 {
				m.Update(keyMsg("ctrl+u"))
			}
		}
	})
	b.Run("typed-word", func(b *testing.B) {
		// The whole path of typing "goroutine" letter by letter, each search
		// run to completion: per op = 9 keystrokes (the filter narrows each
		// answer from the previous one).
		m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
		m.Update(keyMsg("/"))
		for b.Loop() {
			for _, r := range "goroutine" {
				_, cmd := m.Update(keyMsg(string(r)))
				for _, msg := range runBatch(cmd) {
					m.Update(msg)
				}
			}
			m.Update(keyMsg("ctrl+u"))
		}
	})
	b.Run("search-miss", func(b *testing.B) {
		// Worst case: no conversation matches, every byte is scanned.
		s := live.NewArchive(a)
		for b.Loop() {
			if _, err := s.Search(context.Background(), a.Conversations, "zebraquux", live.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search-miss-unicode", func(b *testing.B) {
		s := live.NewArchive(a)
		for b.Loop() {
			if _, err := s.Search(context.Background(), a.Conversations, "zürichquux", live.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search", func(b *testing.B) {
		s := live.NewArchive(a)
		convs := a.Conversations
		for i := 0; b.Loop(); i++ {
			q := query[:i%len(query)+1]
			if _, err := s.Search(context.Background(), convs, q, live.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// oneMB is a 1 MB conversation of ~5 KB messages.
func oneMB() *model.Conversation {
	r := rand.New(rand.NewPCG(3, 4))
	return synthConv(r, 1, 1<<20, 5_000, testNow.Add(-time.Hour))
}

// BenchmarkFirstScreen1MB measures how long a 1 MB conversation takes from
// being selected to its first full screen: "placeholder" is what the user
// sees at once (plain wrapped text); "rendered" adds Glamour for the
// messages on screen (done in background commands in the real program).
func BenchmarkFirstScreen1MB(b *testing.B) {
	c := oneMB()
	other := buildConv("x", "other", testNow, tm{role: model.RoleUser, text: "hi"})
	a := &model.Archive{Conversations: []*model.Conversation{other, c}}
	b.Run("placeholder", func(b *testing.B) {
		for b.Loop() {
			m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
			m.Update(keyMsg("j"))
			if m.view.conv != c {
				b.Fatal("not selected")
			}
			_ = m.View()
		}
	})
	b.Run("rendered", func(b *testing.B) {
		for b.Loop() {
			m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
			_, cmd := m.Update(keyMsg("j"))
			// Run only the first wave of renders: the messages on screen.
			for _, msg := range runBatch(cmd) {
				m.Update(msg)
			}
			_ = m.View()
		}
	})
}

// runBatch runs a (possibly batched) command once, without following up.
func runBatch(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if bm, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range bm {
			out = append(out, runBatch(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// BenchmarkFirstScreen1MBOneMessage is BenchmarkFirstScreen1MB/placeholder
// for a conversation whose 1 MB is a single message (a pasted log).
func BenchmarkFirstScreen1MBOneMessage(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	c := synthConv(r, 1, 1<<20, 1<<20, testNow.Add(-time.Hour))
	other := buildConv("x", "other", testNow, tm{role: model.RoleUser, text: "hi"})
	a := &model.Archive{Conversations: []*model.Conversation{other, c}}
	for b.Loop() {
		m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
		m.Update(keyMsg("j"))
		_ = m.View()
	}
}

// BenchmarkListKeystroke20k is one j press plus the frame it draws, in a list
// of 20,000 conversations (the viewer follows the cursor).
func BenchmarkListKeystroke20k(b *testing.B) {
	a := &model.Archive{}
	for i := 0; i < 20_000; i++ {
		a.Conversations = append(a.Conversations, buildConv(fmt.Sprint(i), fmt.Sprintf("Conversation number %d", i),
			testNow.Add(-time.Duration(i)*37*time.Minute),
			tm{role: model.RoleUser, text: "question " + fmt.Sprint(i)},
			tm{role: model.RoleAssistant, text: "answer with **bold** and `code`"}))
	}
	m := New(Options{Archive: a, Theme: "dark", Width: 160, Height: 50, Now: fixedNow})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := "j"
		if (i/5000)%2 == 1 {
			k = "k"
		}
		m.Update(keyMsg(k))
		_ = m.View()
	}
}

// BenchmarkNewSession is what `backchat serve` pays for every SSH session:
// New over the shared archive and the first View, without and with the
// Prepared the server builds once.
func BenchmarkNewSession(b *testing.B) {
	a := benchArchive(b)
	b.Run("alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := New(Options{Archive: a, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
			_ = m.View()
		}
	})
	p := Prepare(a)
	b.Run("prepared", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := New(Options{Archive: a, Prepared: p, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
			_ = m.View()
		}
	})
}

// BenchmarkMessageMarkdown builds the Markdown Glamour is fed (the shared
// renderer's body) for every message of a 1 MB conversation.
func BenchmarkMessageMarkdown(b *testing.B) {
	c := oneMB()
	for b.Loop() {
		for i := range c.Nodes {
			if m := c.Nodes[i].Msg; m != nil {
				_ = messageMarkdown(m)
			}
		}
	}
}
