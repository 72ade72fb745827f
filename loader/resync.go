package loader

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/klauspost/compress/zip"
)

// Resynchronising after damage. Every conversation of a file starts the
// same way: '{', its first key, and (when the first value is a scalar such
// as the title) its second key, e.g. {"title": "…", "create_time": …. The
// scanner learns this signature from the file's conversations and uses it
// three ways:
//
//   - While scanning a conversation, a signature met where the scanner's
//     state says it cannot be (inside a string, or nested in the
//     conversation) means the conversation is damaged: it is skipped and
//     scanning resumes at the signature (detectBreak).
//   - After malformed data between conversations, scanning skips to the
//     next signature (resync).
//   - A damaged conversation start that differs from the signature in a
//     byte or two still counts as a conversation, so that the number of
//     conversations reported skipped is the number lost (looksLikeStart).
//
// In valid JSON the signature cannot occur inside a string (its quotes
// would be escaped), so the first use never fires on intact input unless a
// nested object has the conversation's first two keys, which no format the
// loader reads has.

// signature is the opening of a conversation object.
type signature struct {
	k1, k2 []byte // quoted keys; k2 nil when the first value is an object or array
	// known: the file's own opening is not known (its first one is
	// damaged); the openings of the formats the loader reads (secondKeys)
	// stand in until relearn finds it.
	known  bool
	prefix []byte // the file's raw bytes from '{' to the first ':' (for looksLikeStart)
}

type sigResult uint8

const (
	sigNo sigResult = iota
	sigYes
	sigMore // more input is needed to decide
)

// secondKeys is the second key of the conversations of the exports the
// loader reads, by their first key (formats.go): ChatGPT, Claude,
// DeepSeek.
var secondKeys = map[string]string{`"title"`: `"create_time"`, `"uuid"`: `"name"`, `"id"`: `"title"`}

// knownSig matches the openings of the formats the loader reads.
var knownSig = &signature{known: true}

// sigLookahead bounds how far past '{' a signature may reach (a long title).
const sigLookahead = 4096

func isWS(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// parseSig reads a conversation opening at b[0] ('{'). ok is false when b
// does not open an object with a key; more when b ends first (and final is
// false).
func parseSig(b []byte, final bool) (sig signature, res sigResult) {
	more := sigNo
	if !final {
		more = sigMore
	}
	if len(b) > sigLookahead {
		b, final, more = b[:sigLookahead], true, sigNo
	}
	i := 1
	ws := func() {
		for i < len(b) && isWS(b[i]) {
			i++
		}
	}
	key := func() ([]byte, sigResult) {
		ws()
		if i >= len(b) {
			return nil, more
		}
		if b[i] != '"' {
			return nil, sigNo
		}
		j := bytes.IndexByte(b[i+1:], '"')
		if j < 0 {
			return nil, more
		}
		k := b[i : i+j+2]
		if bytes.IndexByte(k[1:len(k)-1], '\\') >= 0 {
			return nil, sigNo
		}
		i += j + 2
		ws()
		if i >= len(b) {
			return nil, more
		}
		if b[i] != ':' {
			return nil, sigNo
		}
		i++
		return k, sigYes
	}
	if len(b) == 0 || b[0] != '{' {
		return sig, sigNo
	}
	k1, r := key()
	if r != sigYes {
		return sig, r
	}
	sig.k1 = k1
	sig.prefix = b[:i]
	ws()
	if i >= len(b) {
		return sig, more
	}
	switch c := b[i]; {
	case c == '{' || c == '[':
		return sig, sigYes
	case c == '"':
		j := i + 1
		for {
			k := bytes.IndexByte(b[j:], '"')
			if k < 0 {
				return sig, more
			}
			q := j + k
			p := q - 1
			for p > i && b[p] == '\\' {
				p--
			}
			if (q-1-p)%2 == 0 {
				i = q + 1
				break
			}
			j = q + 1
		}
	default:
		for i < len(b) && !isWS(b[i]) && b[i] != ',' && b[i] != '}' {
			i++
		}
	}
	ws()
	if i >= len(b) {
		return sig, more
	}
	if b[i] != ',' {
		return sig, sigNo
	}
	i++
	k2, r := key()
	if r != sigYes {
		return sig, r
	}
	sig.k2 = k2
	return sig, sigYes
}

// matches reports whether b (starting at '{') opens a conversation with
// this signature.
func (g *signature) matches(b []byte, final bool) sigResult {
	if g.known {
		s, r := parseSig(b, final)
		if r == sigYes && s.k2 != nil && secondKeys[string(s.k1)] == string(s.k2) {
			return sigYes
		}
		if r == sigYes {
			return sigNo
		}
		return r
	}
	if len(b) < 2 {
		if final {
			return sigNo
		}
		return sigMore
	}
	// Fast rejection: '{', optional white space, then the first key.
	i := 1
	for i < len(b) && isWS(b[i]) {
		i++
	}
	n := min(len(g.k1), len(b)-i)
	if !bytes.Equal(b[i:i+n], g.k1[:n]) {
		return sigNo
	}
	s, r := parseSig(b, final)
	if r != sigYes {
		return r
	}
	if !bytes.Equal(s.k1, g.k1) || (g.k2 != nil && !bytes.Equal(s.k2, g.k2)) {
		return sigNo
	}
	return sigYes
}

// looksLikeStart reports whether b, found where a conversation should
// start, is one whose opening was damaged: its first bytes differ from the
// signature's in at most two places.
func (g *signature) looksLikeStart(b []byte) bool {
	if len(g.prefix) == 0 || len(b) < len(g.prefix) {
		return false
	}
	diff := 0
	for i, c := range g.prefix {
		if b[i] != c {
			diff++
		}
	}
	return diff <= 2
}

func (g *signature) String() string {
	if g.k2 == nil {
		return fmt.Sprintf("{%s: …", g.k1)
	}
	return fmt.Sprintf("{%s: …, %s: …", g.k1, g.k2)
}

// clone copies g out of the scanner's buffer.
func (g signature) clone() *signature {
	c := &signature{k1: bytes.Clone(g.k1), prefix: bytes.Clone(g.prefix)}
	if g.k2 != nil {
		c.k2 = bytes.Clone(g.k2)
	}
	return c
}

// readErrReason explains a read error met after all of a file was read.
func readErrReason(err error) string {
	if errors.Is(err, zip.ErrChecksum) || errors.Is(err, errCRC) {
		return "CRC-32 mismatch: the entry's data is damaged; its conversations were loaded as read (compare them with another copy)"
	}
	if se := (*sizeError)(nil); errors.As(err, &se) {
		return se.Error() + " (everything it holds was loaded)"
	}
	if zc := (*zipCut)(nil); errors.As(err, &zc) {
		return err.Error() + " (everything before it was kept)"
	}
	return "read error at the end of the file: " + err.Error() + " (everything before it was kept)"
}

// errCRC is returned at the end of a ZIP entry whose CRC-32 does not match.
var errCRC = errors.New("CRC-32 mismatch")

// The scanner's detection of a conversation opening nested in the one it
// scans (value, str, sigAtWide, damagedStart in scanner.go), over a whole
// conversation held in memory (b, starting at its '{'), for the walker
// (walker.watchObj, watchStr). The scanner reads on where b ends early;
// these say yes instead (stopping a split costs only time). The opening
// seen last on a complete conversation (scanner.alt) is not looked for.

// maybeAt is the scanner's maybeSig for the '{' at b[p].
func (g *signature) maybeAt(b []byte, p int) bool {
	if g.known || p+2 >= len(b) {
		return true
	}
	if c := b[p+1]; c == '"' {
		return b[p+2] == g.k1[1]
	}
	return isWS(b[p+1])
}

// opens reports whether b (from a '{' on, to the end of what is read)
// opens a conversation: with this signature or, for a signature learnt
// from the file, a format's (sigAtWide: matches for g, then knownSig).
func (g *signature) opens(b []byte) bool {
	i := 1
	for i < len(b) && isWS(b[i]) {
		i++
	}
	// Only a key g or a format opens with can match: spare parseSig the
	// nested objects that open otherwise ({"type": …).
	if k := b[i:]; !bytes.HasPrefix(k, g.k1) && !g.known && !knownFirst(k) {
		return len(k) < len(g.k1) // cut short: the scanner would read on
	}
	s, r := parseSig(b, false)
	switch {
	case r == sigMore:
		return true
	case r != sigYes:
		return false
	case bytes.Equal(s.k1, g.k1) && (g.k2 == nil || bytes.Equal(s.k2, g.k2)):
		return true
	}
	return !g.known && s.k2 != nil && secondKeys[string(s.k1)] == string(s.k2)
}

// knownFirst reports whether k starts with the first key of a format's
// conversations (secondKeys).
func knownFirst(k []byte) bool {
	if len(k) < 4 {
		return false
	}
	switch k[1] {
	case 't':
		return len(k) >= 7 && string(k[:7]) == `"title"`
	case 'u':
		return len(k) >= 6 && string(k[:6]) == `"uuid"`
	case 'i':
		return string(k[:4]) == `"id"`
	}
	return false
}

// damagedAt is the scanner's damagedStart(p, true) for the '{' at b[p],
// met at a string's end inside the conversation b opens: after "}," it
// opens like the signature but for a byte or two.
func (g *signature) damagedAt(b []byte, p int) bool {
	if g.known {
		return false
	}
	k := p - 1
	for k > 0 && isWS(b[k]) {
		k--
	}
	if k <= 0 || b[k] != ',' {
		return false
	}
	k--
	for k > 0 && isWS(b[k]) {
		k--
	}
	if k <= 0 || b[k] != '}' {
		return false
	}
	if !g.looksLikeStart(b[p:min(len(b), p+len(g.prefix))]) {
		return len(b)-p < len(g.prefix) // cut: the scanner would read on
	}
	s, r := parseSig(b[p:], false)
	return r != sigYes || s.k2 != nil && g.k2 != nil && nearKey(s.k2, string(g.k2))
}

// mend takes a signature learnt from a damaged opening for the format's:
// when its keys are a format's first and second keys (secondKeys) but for
// a damaged stretch of a byte or two in one or both (nearKey), they are
// replaced by the format's. Learnt as it was ({"Ditle": …, "create_time"),
// it hid every conversation after a first one that also ran on to the end
// of the file: 0 of 6 loaded (FuzzDamage 3e0a6bddc957b688). g must own its
// bytes (clone).
func (g *signature) mend() {
	if g.known || g.k2 == nil || secondKeys[string(g.k1)] == string(g.k2) {
		return
	}
	for k1, k2 := range secondKeys {
		if nearKey(g.k1, k1) && nearKey(g.k2, k2) {
			g.prefix = bytes.Replace(g.prefix, g.k1, []byte(k1), 1)
			g.k1, g.k2 = []byte(k1), []byte(k2)
			return
		}
	}
}

// same reports whether two signatures are alike.
func (g *signature) same(o *signature) bool {
	return o != nil && bytes.Equal(g.k1, o.k1) && bytes.Equal(g.k2, o.k2) && (g.k2 == nil) == (o.k2 == nil)
}

// learn takes the signature from the opening of the element at s.pos.
func (s *scanner) learn() {
	for {
		g, r := parseSig(s.buf[s.pos:s.n], s.eof)
		switch r {
		case sigYes:
			s.sig = g.clone()
			s.sig.mend()
			return
		case sigNo:
			// The opening is damaged after its first key: take the second
			// key the exports that open so use (a nested object with the
			// same first key, such as a citation's {"title": …, "url": …},
			// must not pass for a conversation).
			if k2 := secondKeys[string(g.k1)]; k2 != "" {
				s.sig = g.clone()
				s.sig.k2 = []byte(k2)
			} else {
				s.sig = knownSig
			}
			return
		}
		if !s.fill() {
			return
		}
	}
}

// relearn checks the opening of the element just scanned (buf[mark:pos])
// against the signature: when two complete elements in a row open
// alike but unlike it, the signature was learned from a damaged opening
// and theirs replaces it.
func (s *scanner) relearn() {
	g, r := parseSig(s.buf[s.mark:s.pos], true)
	if r != sigYes {
		return
	}
	switch {
	case s.sig == nil || s.sig.known:
		s.sig = g.clone()
	case g.same(s.sig):
		s.alt = nil
	case g.same(s.alt):
		s.sig, s.alt = s.alt, nil
	default:
		s.alt = g.clone()
	}
}
