package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model/search/live"
)

// BenchmarkLastKey is the browser's share of a filter keystroke, per query
// kind: the last key of the query typed into the filter, every command it
// starts run and its message applied (the search, the viewer's renders, the
// engine's hits for the selected conversation) until none is left, then
// the frame drawn — what scripts/bench-keys.sh times in tmux, without the
// terminal. With BACKCHAT_BENCH_ARCHIVE (and -tags backchat_loader) on a
// real export.
func BenchmarkLastKey(b *testing.B) {
	a := benchArchive(b)
	s := live.NewArchive(a)
	for _, k := range []struct{ kind, q string }{
		{"word", "data"}, {"phrase", `"kubernetes cluster"`}, {"prefix", "kube"}, {"field", "model:gpt-4o after:2025-06 garlic"},
	} {
		b.Run(k.kind, func(b *testing.B) {
			m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow, Searcher: s})
			drain := func(cmd tea.Cmd) {
				queue := []tea.Cmd{cmd}
				for len(queue) > 0 {
					c := queue[0]
					queue = queue[1:]
					for _, msg := range runBatch(c) {
						_, next := m.Update(msg)
						if next != nil {
							queue = append(queue, next)
						}
					}
				}
			}
			_, cmd := m.Update(keyMsg("/"))
			drain(cmd)
			for _, r := range k.q[:len(k.q)-1] {
				_, cmd := m.Update(keyMsg(string(r)))
				drain(cmd)
			}
			last := k.q[len(k.q)-1:]
			for b.Loop() {
				_, cmd := m.Update(keyMsg(last))
				drain(cmd)
				_ = m.View()
				b.StopTimer()
				_, cmd = m.Update(keyMsg("backspace"))
				drain(cmd)
				_ = m.View()
				b.StartTimer()
			}
		})
	}
}
