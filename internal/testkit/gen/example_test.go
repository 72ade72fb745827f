package gen_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// Generating a small export: conversation i holds "needle%06dzq".
func ExampleWrite() {
	var buf bytes.Buffer
	st, err := gen.Write(&buf, gen.Config{Seed: 42, Conversations: 10})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Conversations, bytes.Count(buf.Bytes(), []byte("needle000007zq")))
	// Output: 10 1
}

// A byte-sized export, e.g. for load benchmarks.
func ExampleWrite_targetBytes() {
	st, err := gen.Write(io.Discard, gen.Config{Seed: 1, TargetBytes: 5 << 20})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Bytes > 5<<20*98/100, st.Bytes < 5<<20+2000)
	// Output: true true
}

// Building one conversation by hand, as the fixtures and the demo do.
func ExampleBuilder() {
	b := gen.NewBuilder("conv-1", "Greeting", 1748779200.0, 1)
	b.HiddenSystem(1)
	q := b.User("Hello?")
	b.Assistant("Hi!")
	b.SetHead(q) // regenerate: a second answer to the same question
	b.Assistant("Hello there!")
	fmt.Println(b.Nodes(), b.BranchPoints())
	// Output: 5 1
}
