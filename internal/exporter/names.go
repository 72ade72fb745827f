package exporter

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

// maxSlug caps a title slug, in bytes (cut on a rune boundary).
const maxSlug = 60

// Slug turns a title into a file-name part: Unicode letters and digits kept
// and lower-cased, every other run of characters one hyphen, no leading or
// trailing hyphen, at most 60 bytes (cut on a rune boundary), "untitled"
// when nothing is left.
func Slug(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range title {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		// Combining marks stay with their letter (é written as e + U+0301).
		if unicode.Is(unicode.Mn, r) && b.Len() > 0 && !hyphen {
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	s := b.String()
	if len(s) > maxSlug {
		cut := maxSlug
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], "-")
	}
	if s == "" {
		return "untitled"
	}
	return s
}

// ID8 is the first 8 characters of a conversation id after removing every
// character but ASCII letters, digits, '-' and '_' ("noid" when none is left).
func ID8(id string) string {
	var b strings.Builder
	for i := 0; i < len(id) && b.Len() < 8; i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "noid"
	}
	return b.String()
}

// Stem is a conversation's file name without extension:
// YYYY-MM-DD-slug-ID8, the date being its creation day in UTC ("undated"
// when unknown). It depends only on the conversation, so it is stable
// across runs; FileNames resolves the rare clash.
func Stem(c *model.Conversation) string {
	date := "undated"
	if t := c.Created; !t.IsZero() {
		date = t.UTC().Format("2006-01-02")
	} else if t := c.Updated; !t.IsZero() {
		date = t.UTC().Format("2006-01-02")
	}
	return date + "-" + Slug(c.Title) + "-" + ID8(c.ID)
}

// FileNames returns each conversation's file stem, index-aligned with convs.
// Stems that clash (same date, slug and ID8) are told apart by "-2", "-3", …
// given in order of full id, then creation time, then position, so names do
// not change when the same export is exported again. Names are compared
// case-insensitively (macOS and Windows file systems).
func FileNames(convs []*model.Conversation) []string {
	stems := make([]string, len(convs))
	groups := make(map[string][]int, len(convs))
	for i, c := range convs {
		stems[i] = Stem(c)
		k := strings.ToLower(stems[i])
		groups[k] = append(groups[k], i)
	}
	taken := make(map[string]bool, len(convs))
	for k := range groups {
		taken[k] = true
	}
	keys := make([]string, 0, len(groups))
	for k, g := range groups {
		if len(g) > 1 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		g := groups[k]
		slices.SortStableFunc(g, func(a, b int) int {
			if c := strings.Compare(convs[a].ID, convs[b].ID); c != 0 {
				return c
			}
			if c := convs[a].Created.Compare(convs[b].Created); c != 0 {
				return c
			}
			return a - b
		})
		for j, i := range g[1:] {
			for n := j + 2; ; n++ {
				s := stems[i] + "-" + strconv.Itoa(n)
				if !taken[strings.ToLower(s)] {
					taken[strings.ToLower(s)] = true
					stems[i] = s
					break
				}
			}
		}
	}
	return stems
}

// assetName is a safe file name for an asset copied into a conversation's
// folder: the base name of its path in the export with anything but
// letters, digits, '.', '-' and '_' replaced by '_', never hidden, at most
// 100 bytes.
func assetName(a *model.Asset) string {
	base := path.Base(strings.ReplaceAll(a.File, "\\", "/"))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'):
			b.WriteRune(r)
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if len(s) > 100 {
		ext := path.Ext(s)
		if len(ext) > 10 {
			ext = ""
		}
		cut := 100 - len(ext)
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + ext
	}
	if s == "" || s == "." {
		return "asset"
	}
	return s
}
