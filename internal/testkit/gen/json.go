package gen

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Obj is a JSON object whose keys keep their insertion order, as a Python
// dict does; the export's key order is part of what the generator imitates.
type Obj []KV

// KV is one key/value pair of an Obj: KV{"key", value}. It is an array, not
// a struct, so other packages can write Obj{{"k", v}} literals without
// tripping go vet's unkeyed-fields check. The key must be a string.
type KV [2]any

// Key returns the pair's key.
func (kv KV) Key() string {
	s, _ := kv[0].(string)
	return s
}

// Raw is JSON text written verbatim (it must already be valid JSON in the
// Python json.dumps style). Fixtures use it for shapes no Go value can
// express, such as a lone surrogate escape.
type Raw string

// Get returns the value stored under key and whether it exists.
func (o Obj) Get(key string) (any, bool) {
	for _, kv := range o {
		if kv.Key() == key {
			return kv[1], true
		}
	}
	return nil, false
}

// Set replaces the value under key, or appends the pair when key is absent.
func (o Obj) Set(key string, v any) Obj {
	for i := range o {
		if o[i].Key() == key {
			o[i][1] = v
			return o
		}
	}
	return append(o, KV{key, v})
}

// Marshal encodes v exactly as Python's json.dumps(v) (default separators,
// ensure_ascii=True) would. See AppendJSON for the supported types.
func Marshal(v any) []byte { return AppendJSON(nil, v) }

// AppendJSON appends v encoded in the Python json.dumps style: ", " and ": "
// separators, every non-ASCII character escaped as \uXXXX (surrogate pairs for
// astral characters, lower-case hex), floats in Python repr form (1.0, 1e-05).
// Supported: nil, bool, string, Raw, int, int32, int64, float64, Obj, []any,
// []string, []Obj, map[string]any is deliberately not supported (no order).
// Any other type panics: it is a programming error in a generator.
func AppendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		if x {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case string:
		return AppendString(dst, x)
	case Raw:
		return append(dst, x...)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int32:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return AppendFloat(dst, x)
	case Obj:
		dst = append(dst, '{')
		for i, kv := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendString(dst, kv.Key())
			dst = append(dst, ": "...)
			dst = AppendJSON(dst, kv[1])
		}
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendJSON(dst, e)
		}
		return append(dst, ']')
	case []string:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendString(dst, e)
		}
		return append(dst, ']')
	case []Obj:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendJSON(dst, e)
		}
		return append(dst, ']')
	default:
		panic("gen: AppendJSON: unsupported type")
	}
}

// AppendFloat appends f as Python's repr(float) does: decimal notation with
// at least one fractional digit for 1e-4 <= |f| < 1e16, otherwise exponent
// notation with a signed, at least two-digit exponent. NaN and infinities are
// written as Python writes them (NaN, Infinity, -Infinity).
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	a := math.Abs(f)
	if a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.AppendFloat(dst, f, 'e', -1, 64)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	for _, c := range dst[start:] {
		if c == '.' {
			return dst
		}
	}
	return append(dst, ".0"...)
}

const hexDigits = "0123456789abcdef"

// needsEscape[b] is true for bytes that cannot be copied verbatim.
var needsEscape = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	for i := 0x80; i < 0x100; i++ {
		t[i] = true
	}
	t[0x7f] = true // Python escapes DEL too: only ' '..'~' pass verbatim
	t['"'] = true
	t['\\'] = true
	return t
}()

// AppendString appends s as a JSON string the way Python's json.dumps with
// ensure_ascii=True writes it: only ' '..'~' pass verbatim (DEL is escaped
// too). Invalid UTF-8 bytes become \ufffd.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	i, start := 0, 0
	for i < len(s) {
		// Skip eight plain ASCII bytes at a time (SWAR): no byte >= 0x80,
		// < 0x20, '"' or '\\'.
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			const lo, hi = 0x0101010101010101, 0x8080808080808080
			q := x ^ (lo * '"')
			bs := x ^ (lo * '\\')
			del := x ^ (lo * 0x7f)
			if (x|((x-lo*0x20)&^x)|((q-lo)&^q)|((bs-lo)&^bs)|((del-lo)&^del))&hi != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if !needsEscape[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			r -= 0x10000
			dst = appendU(dst, 0xD800+(r>>10))
			dst = appendU(dst, 0xDC00+(r&0x3FF))
		} else {
			dst = appendU(dst, r) // includes utf8.RuneError for invalid bytes
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}
