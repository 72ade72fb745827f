package tui

import "testing"

// BenchmarkPreviewAnswer times what a filter's answer does in Update to a
// preview of the ~1 MB conversation (one placeholder screen realised, the
// rest blank estimates): show it, set the terms and land on its first hit,
// as filterPane.sync does; a word every message holds.
func BenchmarkPreviewAnswer(b *testing.B) {
	a, big := bigArchive()
	small := a.Conversations[0]
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(b, m, m.Init())
	v := m.view
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v.show(small)
		v.show(big)
		v.realise()
		v.setTerms([]string{"dolor"})
		v.firstHit(-1)
		if v.hitStatus() == "" {
			b.Fatal("no hits")
		}
	}
}
