package loader

import (
	"bytes"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// FuzzDamage 3e0a6bddc957b688: the first conversation's first key damaged
// ({"Ditle": …) and an array in it left open, so that it runs on to the
// end of the file. The signature learnt from it ("Ditle") hid every
// conversation after it: nothing loaded. Mended to the format's, it finds
// them: the first is skipped, the other five load.
func TestLearnMendsDamagedFirstKey(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	in := bytes.Clone(data)
	if !bytes.HasPrefix(in, []byte(`[{"title": `)) {
		t.Fatal("the generator's output changed")
	}
	in[3] = 'D'
	spans := convSpans(t, data)
	c0 := in[spans[0][0]:spans[0][1]]
	i := bytes.Index(c0, []byte(`"disabled_tool_ids": []`))
	if i < 0 {
		t.Fatal("the generator's output changed")
	}
	c0[i+len(`"disabled_tool_ids": [`)] = 'm'
	o := loadDamaged(t, t.TempDir(), "conversations.json", in)
	if o.err != nil || o.loaded != n-1 || o.skipped != 1 {
		t.Fatalf("want %d loaded, 1 skipped; got %s", n-1, o)
	}
	sameLoad(t, "3e0a6bddc957b688", writeTemp(t, "conversations.json", in))

	g, _ := parseSig([]byte(`{"Ditle": "x", "create_timX": 1}`), true)
	m := g.clone()
	m.mend()
	if string(m.k1) != `"title"` || string(m.k2) != `"create_time"` || string(m.prefix) != `{"title":` {
		t.Errorf("mended to %s (prefix %q)", m, m.prefix)
	}
	g, _ = parseSig([]byte(`{"title": "x", "url": 1}`), true)
	m = g.clone()
	m.mend()
	if string(m.k2) != `"url"` {
		t.Errorf("a signature with another second key was mended: %s", m)
	}
}
