package render

import (
	"strings"
	"time"
	"unicode"

	"github.com/backchat/backchat/model"
)

// slugMax is the most runes a file name's slug keeps of the title.
const slugMax = 60

// FileName is the name a conversation's Markdown file gets:
// "YYYY-MM-DD-slug-ID8.md", dated by its creation (else its last update) in
// loc (time.Local when nil), slugged from its title, and ending in the first
// eight characters of its id so that equal titles do not collide. "undated"
// stands for a missing date and "untitled" for an empty slug; the id part is
// left out when the id has no usable character. The name holds only
// letters, digits, '-' and '.', so it is safe in any file system and shell.
func FileName(c *model.Conversation, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	date := "undated"
	t := c.Created
	if t.IsZero() {
		t = c.Updated
	}
	if !t.IsZero() {
		date = t.In(loc).Format("2006-01-02")
	}
	name := date + "-" + Slug(c.Title)
	var id []rune
	for _, r := range c.ID {
		if len(id) == 8 {
			break
		}
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			id = append(id, unicode.ToLower(r))
		}
	}
	if len(id) > 0 {
		name += "-" + string(id)
	}
	return name + ".md"
}

// Slug turns a title into lower-case letters and digits joined by single
// dashes, at most 60 runes long; "untitled" when nothing is left. Letters of
// any script are kept (a Japanese title gives a Japanese slug).
func Slug(title string) string {
	var out []rune
	dash := false
	for _, r := range title {
		if len(out) >= slugMax {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && len(out) > 0 {
				out = append(out, '-')
			}
			dash = false
			out = append(out, unicode.ToLower(r))
			continue
		}
		dash = true
	}
	if len(out) > slugMax {
		out = out[:slugMax]
	}
	s := strings.TrimRight(string(out), "-")
	if s == "" {
		return "untitled"
	}
	return s
}
