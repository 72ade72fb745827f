package tui

import "testing"

// BenchmarkFindHits1MB times finding a word and a phrase (matched across
// wrapped lines) in every line of the ~1 MB conversation, all of it
// realised: the work each arriving render repeats.
func BenchmarkFindHits1MB(b *testing.B) {
	for _, term := range []string{"dolor", "sit amet consectetur lorem"} {
		b.Run(term, func(b *testing.B) {
			a, big := bigArchive()
			m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
			run(b, m, m.Init())
			m.view.show(big)
			for i := range m.view.segs {
				m.view.realiseSegment(i, -1)
			}
			m.view.applyTerms([]string{term})
			if len(m.view.hits) == 0 {
				b.Fatal("no hits")
			}
			b.ResetTimer()
			for range b.N {
				m.view.findHits()
			}
			b.ReportMetric(float64(len(m.view.hits)), "hits")
		})
	}
}
