package loader

import (
	"fmt"
	"strings"
	"testing"
)

// Conversations without an id or a time tie in the archive's order: they
// are listed in file order, not in the order the workers finished them
// (FuzzDamage 477907d527ec33f0).
func TestIDLessInFileOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 8 {
		if i > 0 {
			b.WriteString(", ")
		}
		n := 1
		if i%4 == 0 {
			n = 3000 // slower to decode than those after it
		}
		fmt.Fprintf(&b, `{"title": "c%d", "mapping": {`, i)
		for k := range n {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, `"n%d": {"id": "n%d", "message": {"id": "m%d", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hello %d"]}}, "children": []}`, k, k, k, k)
		}
		b.WriteString("}}")
	}
	b.WriteString("]")
	path := writeTemp(t, "conversations.json", []byte(b.String()))
	for range 5 {
		o := loadPath(t, path, Options{Workers: 2})
		if o.err != nil {
			t.Fatal(o.err)
		}
		var got []string
		for _, c := range o.a.Conversations {
			got = append(got, c.Title)
		}
		if s := strings.Join(got, " "); s != "c0 c1 c2 c3 c4 c5 c6 c7" {
			t.Fatalf("order %s, want the file's", s)
		}
	}
}
