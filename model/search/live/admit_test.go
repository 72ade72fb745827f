package live

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

// TestSearchesQueueForAProcessor: a search the answers do not hold waits
// while every processor's slot is taken, gives up when its context ends,
// and runs (the same answer as uncached) once a slot frees.
func TestSearchesQueueForAProcessor(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 100 << 10, Seed: 3, ConvBytes: 1500})
	s := NewArchive(a)
	convs := newestFirst(a.Conversations)
	want := uncached(t, s, convs, "data", Options{})
	if len(want.Convs) == 0 {
		t.Fatal("the test is too weak: data matched nothing")
	}
	for range cap(s.runs) {
		s.runs <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := s.Search(ctx, convs, "model", Options{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search with every slot taken: err = %v, want the context's", err)
	}
	type answer struct {
		res Results
		err error
	}
	done := make(chan answer, 1)
	go func() {
		r, err := s.Search(context.Background(), convs, "data", Options{})
		done <- answer{r, err}
	}()
	select {
	case <-done:
		t.Fatal("a search ran while every slot was taken")
	case <-time.After(50 * time.Millisecond):
	}
	<-s.runs
	got := <-done
	if got.err != nil {
		t.Fatal(got.err)
	}
	sameAnswer(t, "queued search", got.res, want)
}
