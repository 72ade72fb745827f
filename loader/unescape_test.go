package loader

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// twoPass is the way unescapeQuoted replaces: find the end, then decode
// the body. ok as unescapeQuoted's when the end exists and every escape
// before it is valid.
func twoPass(s []byte) (end int, out []byte, ascii, ok bool) {
	in := append([]byte{'"'}, s...)
	d := getWalker(in)
	defer putWalker(d)
	e, err := d.strSkipEnd(0)
	if err != nil {
		return 0, nil, false, false
	}
	body := in[1:e]
	out = make([]byte, len(body))
	n, ascii, bad := unescapeInto(out, body)
	if bad >= 0 {
		return 0, nil, false, false
	}
	return e - 1, out[:n], ascii, true
}

// checkQuoted decodes s (a string body and what follows it) with both
// inner loops, into rooms of every size up to the body's length and
// beyond, and checks each against the two-pass way.
func checkQuoted(t *testing.T, s []byte) {
	t.Helper()
	wantEnd, want, wantASCII, wantOK := twoPass(s)
	runs := []struct {
		name string
		swar bool
	}{{"run", false}, {"swar", true}}
	rooms := []int{len(s) + 16, len(s), len(want), len(want) + 1}
	if len(want) > 0 {
		rooms = append(rooms, len(want)-1, len(want)/2)
	}
	for _, r := range runs {
		for _, room := range rooms {
			if room < 0 {
				continue
			}
			out := bytes.Repeat([]byte{0xAA}, room)
			end, n, ascii, marks, ok := unescapeQuotedWith(r.swar, out, s)
			if room < len(want) {
				if ok {
					t.Fatalf("%s %q room %d: ok with %d bytes, want %d", r.name, s, room, n, len(want))
				}
				continue
			}
			if !wantOK {
				if ok {
					t.Fatalf("%s %q: decoded %q (end %d); the two-pass way fails", r.name, s, out[:n], end)
				}
				continue
			}
			// A room of exactly len(want) may fall short before a \u escape
			// (it needs four bytes free): then ok is false, never wrong.
			if !ok {
				if room >= len(want)+utf8UTFMax {
					t.Fatalf("%s %q room %d: not ok, want %q", r.name, s, room, want)
				}
				continue
			}
			if end != wantEnd || !bytes.Equal(out[:n], want) || ascii != wantASCII {
				t.Fatalf("%s %q room %d: end %d %q ascii %v, want end %d %q ascii %v",
					r.name, s, room, end, out[:n], ascii, wantEnd, want, wantASCII)
			}
			// A fact may be set without its cause, never unset with it.
			if marks&mayMark == 0 && hasMarkers(string(want)) {
				t.Fatalf("%s %q room %d: %q holds a citation marker, mayMark unset", r.name, s, room, want)
			}
			if marks&hasSlash == 0 && bytes.IndexByte(want, '\\') >= 0 {
				t.Fatalf("%s %q room %d: %q holds a backslash, hasSlash unset", r.name, s, room, want)
			}
		}
	}
}

// TestUnescapeRunsAgree checks the SSE2 and SWAR inner loops against the
// two-pass decoding at every alignment and body length 0–100, with
// escapes of each kind, invalid UTF-8, lone and paired surrogates and
// control characters at random places, and what follows the body
// (another string, non-ASCII bytes, a cut).
func TestUnescapeRunsAgree(t *testing.T) {
	pieces := []string{
		`\n`, `\"`, `\\`, `\/`, `\t`, `\r`, `\b`, `\f`, `\u00e9`, `\u20AC`,
		`\ud83d\ude02`, `\ud800`, `\udc00`, `\ud800\u0041`, `\ud800\ud800`,
		`\x`, `\u12`, `\u12G4`, "\xff", "\xe2\x82", "é", "\x00", "\x1f", "\x7f",
		`\\\"`, `\\\\`, `a`, "€",
		// citation markers, raw and escaped, and their neighbours
		"\ue200", `\ue200`, `\ue204`, `\ue205`, `\uE201`, "【", `\u3010`, `\u3011`, `\u3002`,
		`\u005c`, `\u005C(`, `\\[`,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 0, 256)
	for length := 0; length <= 100; length++ {
		for trial := 0; trial < 24; trial++ {
			body := buf[:0]
			for len(body) < length {
				if rng.IntN(4) == 0 {
					body = append(body, pieces[rng.IntN(len(pieces))]...)
				} else {
					body = append(body, byte('a'+rng.IntN(26)))
				}
			}
			body = body[:length] // may cut an escape: then it is invalid or ends oddly
			for align := 0; align < 16; align++ {
				s := make([]byte, 0, align+len(body)+8)
				s = append(s, make([]byte, align)...)
				s = append(s, body...)
				switch trial % 4 {
				case 0:
					s = append(s, `", "x\n"`...)
				case 1:
					s = append(s, '"')
				case 2:
					s = append(s, "\"é\xff, \"x\""...) // not ASCII after the end
				}
				checkQuoted(t, s[align:])
			}
		}
	}
}

// TestUnescapeQuotedCases pins cases by hand, so that a change breaking
// both inner loops alike still fails here.
func TestUnescapeQuotedCases(t *testing.T) {
	for _, c := range []struct {
		in, want string
		end      int
		ok       bool
	}{
		{`"`, ``, 0, true},
		{`abc"def`, `abc`, 3, true},
		{`a\"b" tail`, `a"b`, 4, true},
		{`0123456789abcdef\n0123456789abcdef\\"`, "0123456789abcdef\n0123456789abcdef\\", 36, true},
		{`\ud83d\ude02x"`, "😂x", 13, true},
		{`\ud800 lone"`, "\uFFFD lone", 11, true},
		{`0123456789abcdefgh`, ``, 0, false},                // no end
		{`0123456789abcdef\x"`, ``, 0, false},               // invalid escape
		{`0123456789abcdef\u12"`, ``, 0, false},             // cut \u escape
		{`0123456789abcdef0123456789abcdef\`, ``, 0, false}, // backslash at the end
		{`0123456789abcdef0123456789abcde\"`, ``, 0, false}, // escaped quote, no end
		{"0123456789abcdef\x01\x02\t0123456789\"", "0123456789abcdef\x01\x02\t0123456789", 29, true},
	} {
		for _, swar := range []bool{false, true} {
			out := make([]byte, len(c.in)+16)
			end, n, _, _, ok := unescapeQuotedWith(swar, out, []byte(c.in))
			if ok != c.ok || ok && (end != c.end || string(out[:n]) != c.want) {
				t.Errorf("%q: end %d %q ok %v, want end %d %q ok %v", c.in, end, out[:n], ok, c.end, c.want, c.ok)
			}
		}
	}
}

// FuzzUnescapeQuoted checks the one-pass decoding against encoding/json
// (and strconv.Unquote where Go and JSON escapes agree) for every input
// that is a JSON string, and against the two-pass way for any input.
func FuzzUnescapeQuoted(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\nb\t\"q\"\\ \/"`, `"\u00e9\ud83d\ude02"`, `"\ud800 lone"`,
		`"\udc00\ud800"`, `"bad \x"`, `"\u12"`, `"` + "\xff" + `"`, `"0123456789abcdef0123456789\"abcdef\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '"' {
			return
		}
		checkQuoted(t, data[1:])
		out := make([]byte, len(data))
		end, n, _, ok := unescapeQuoted(out, data[1:])
		var want string
		if json.Unmarshal(data, &want) != nil {
			return
		}
		// encoding/json allows white space after the string.
		if !ok || end != len(bytes.TrimRight(data, " \t\r\n"))-2 {
			t.Fatalf("%q: ok %v end %d, encoding/json accepts it", data, ok, end)
		}
		got := string(fixUTF8(nil, out[:n]))
		// encoding/json turns invalid UTF-8 and lone surrogates into
		// U+FFFD one way, fixUTF8 another: compare only when neither did.
		if got != want && !(utf8.ValidString(want) && bytes.ContainsRune([]byte(want), utf8.RuneError)) {
			t.Fatalf("%q: got %q, encoding/json %q", data, got, want)
		}
		if u, err := strconv.Unquote(string(data)); err == nil && utf8.ValidString(u) && !bytes.ContainsRune([]byte(u), utf8.RuneError) && u != got {
			t.Fatalf("%q: got %q, strconv.Unquote %q", data, got, u)
		}
	})
}

// TestQuickEnd checks quickEnd against a byte loop at every start and
// input length up to 48, with quotes and backslashes at random places.
func TestQuickEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		b := make([]byte, rng.IntN(49))
		for k := range b {
			switch rng.IntN(24) {
			case 0:
				b[k] = '"'
			case 1:
				b[k] = '\\'
			default:
				b[k] = byte(rng.IntN(256))
				if b[k] == '"' || b[k] == '\\' {
					b[k] = 'x'
				}
			}
		}
		for i := 0; i <= len(b); i++ {
			got, c := quickEnd(b, i)
			// The byte loop: the first quote or backslash among the
			// whole words quickEnd reads (at most four).
			want, wc := i, byte(0)
			for n := 0; n < 4 && want+8 <= len(b); n++ {
				k := bytes.IndexAny(b[want:want+8], "\"\\")
				if k >= 0 {
					want, wc = want+k, b[want+k]
					break
				}
				want += 8
			}
			if got != want || c != wc {
				t.Fatalf("%q from %d: %d %q, want %d %q", b, i, got, c, want, wc)
			}
		}
	}
}

// TestObjBytesKeyLayouts checks ObjBytes's keys in each layout: Python's
// (`, "k": `), compact, other white space around keys and colons,
// escaped and long keys (the ways past the inline fast path).
func TestObjBytesKeyLayouts(t *testing.T) {
	long := strings.Repeat("k", 40)
	for _, in := range []string{
		`{"a": 1, "bb": 2, "ccc": 3}`,
		`{"a":1,"bb":2,"ccc":3}`,
		"{\n  \"a\" : 1,\n\t\"bb\"\t:2 ,  \"ccc\"\n:3}",
		`{"a\"q": 1, "` + long + `": 2, "\u00e9": 3}`,
		`{ "a": 1, "` + long + `":2}`,
	} {
		var want map[string]int
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		d := getWalker([]byte(in))
		err := d.ObjBytes(func(d *walker, key []byte) error {
			f, err := d.Float64()
			got[string(key)] = int(f)
			return err
		})
		putWalker(d)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{`{"a" 1}`, `{"a":1 "b":2}`, `{"a`, `{"a":1,}`} {
		d := getWalker([]byte(in))
		if err := d.ObjBytes(func(d *walker, key []byte) error { return d.Skip() }); err == nil {
			t.Errorf("%q: no error", in)
		}
		putWalker(d)
	}
}

// TestShareRecent checks the worker's shared strings through their
// direct-mapped front (worker.recent): every answer is its input, one
// copy per value while the table has room, none for a backslash, a long
// string or invalid UTF-8.
func TestShareRecent(t *testing.T) {
	w := &worker{}
	rng := rand.New(rand.NewPCG(5, 6))
	vals := make([]string, 300)
	for i := range vals {
		b := make([]byte, 1+rng.IntN(12))
		for k := range b {
			b[k] = byte('a' + rng.IntN(4)) // few letters: many slot collisions
		}
		vals[i] = string(b)
	}
	first := map[string]string{}
	for n := 0; n < 5000; n++ {
		v := vals[rng.IntN(len(vals))]
		s, ok := w.share([]byte(v))
		if !ok || s != v {
			t.Fatalf("share(%q) = %q, %v", v, s, ok)
		}
		if f, seen := first[v]; seen && unsafe.StringData(f) != unsafe.StringData(s) {
			t.Fatalf("share(%q): a second copy", v)
		}
		first[v] = s
	}
	for _, v := range []string{`a\nb`, "\xff", strings.Repeat("x", sharedLen+1), ""} {
		if s, ok := w.share([]byte(v)); ok {
			t.Errorf("share(%q) = %q, true", v, s)
		}
	}
}

// TestMarkerLead checks markerLead against a byte loop from every start.
func TestMarkerLead(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 300; trial++ {
		b := make([]byte, rng.IntN(40))
		for k := range b {
			switch rng.IntN(20) {
			case 0:
				b[k] = 0xee
			case 1:
				b[k] = 0xe3
			default:
				b[k] = byte(rng.IntN(256))
			}
		}
		s := string(b)
		for i := 0; i <= len(s); i++ {
			want := len(s)
			for k := i; k < len(s); k++ {
				if s[k] == 0xee || s[k] == 0xe3 {
					want = k
					break
				}
			}
			if got := markerLead(s, i); got != want {
				t.Fatalf("%q from %d: %d, want %d", s, i, got, want)
			}
		}
	}
}
