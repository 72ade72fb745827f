package model

import "strings"

// IsScrambledToolName reports whether name is one of the scrambled tool ids
// ChatGPT exports use since 2025 in place of a tool's real name (such as
// "t2uay3k.sj1i4kz" for image generation): two dot-separated runs of 5 to 10
// lower-case letters and digits, each holding both. Such a name means
// nothing to a reader.
func IsScrambledToolName(name string) bool {
	a, b, ok := strings.Cut(name, ".")
	return ok && scrambledPart(a) && scrambledPart(b)
}

func scrambledPart(s string) bool {
	if len(s) < 5 || len(s) > 10 {
		return false
	}
	letters, digits := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			letters = true
		case c >= '0' && c <= '9':
			digits = true
		default:
			return false
		}
	}
	return letters && digits
}

// IsBookkeepingBlock reports whether a content block of export type typ
// carries nothing for a reader (Claude's token_budget and the like): it is
// kept in the model and in JSON output, but never shown.
func IsBookkeepingBlock(typ string) bool {
	switch typ {
	case "token_budget":
		return true
	}
	return false
}
