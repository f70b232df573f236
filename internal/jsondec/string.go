package jsondec

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// plain[c] says whether byte c stands for itself in a JSON string and is
// ASCII: no quote, backslash or control byte (and no UTF-8 to validate).
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// string consumes the JSON string at s.i and returns its value. Without
// escapes the value aliases the input; with escapes it is a new string.
func (s *scanner) string() (string, bool) {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return "", false
	}
	start := s.i + 1
	for i := start; ; {
		if i = skipPlain(s.data, i); i >= len(s.data) {
			return "", false
		}
		switch c := s.data[i]; {
		case c == '"':
			s.i = i + 1
			return unsafe.String(unsafe.SliceData(s.data[start:]), i-start), true
		case c == '\\':
			return s.unescape(start, i)
		case c < 0x20:
			return "", false
		default:
			if i = validRune(s.data, i); i < 0 {
				return "", false
			}
		}
	}
}

// plainString consumes the JSON string at s.i if all its bytes are plain,
// the common case, and returns its value, which aliases the input.
// Otherwise it consumes nothing and string decides.
func (s *scanner) plainString() (string, bool) {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return "", false
	}
	start := s.i + 1
	end := skipPlain(s.data, start)
	if end >= len(s.data) || s.data[end] != '"' {
		return "", false
	}
	s.i = end + 1
	return unsafe.String(unsafe.SliceData(s.data[start:]), end-start), true
}

// Word-at-a-time tests on 8 bytes (SWAR): has0 marks (sets the high bit
// of) the bytes of x that are zero. It may also mark a byte above a marked
// one (a borrow), never one below: the lowest mark is exact, so that
// firstMarked finds the first.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

func has0(x uint64) uint64            { return (x - ones) &^ x & highs }
func hasByte(x uint64, c byte) uint64 { return has0(x ^ ones*uint64(c)) }

// firstMarked is the index of the lowest marked byte of a non-zero mark.
func firstMarked(mark uint64) int { return bits.TrailingZeros64(mark) / 8 }

// skipPlain returns the index of the first byte at or after b[i] that is
// not plain (see plain), or len(b): sixteen bytes at a time while it can,
// as most strings in sessions are a few words long.
func skipPlain(b []byte, i int) int {
	rest := b[i:]
	for len(rest) >= 16 {
		lo, hi := notPlain(binary.LittleEndian.Uint64(rest)), notPlain(binary.LittleEndian.Uint64(rest[8:]))
		switch {
		case lo != 0:
			return len(b) - len(rest) + firstMarked(lo)
		case hi != 0:
			return len(b) - len(rest) + 8 + firstMarked(hi)
		}
		rest = rest[16:]
	}
	if len(rest) >= 8 {
		if mark := notPlain(binary.LittleEndian.Uint64(rest)); mark != 0 {
			return len(b) - len(rest) + firstMarked(mark)
		}
		rest = rest[8:]
	}
	for len(rest) > 0 && plain[rest[0]] {
		rest = rest[1:]
	}
	return len(b) - len(rest)
}

// notPlain marks the bytes of x that are not plain, the lowest exactly
// (see has0). It is has0 of the quote and the backslash and a "less than
// 0x20" test, without their &^ x: a byte at or above 0x80 is marked by x
// itself anyway, so the lowest mark is still exact, in fewer operations.
func notPlain(x uint64) uint64 {
	quote := (x ^ ones*'"') - ones
	backslash := (x ^ ones*'\\') - ones
	control := x - ones*0x20
	return (quote | backslash | control | x) & highs
}

// validRune returns the index after the valid UTF-8 sequence at b[i], or
// -1. jsonv2 would replace invalid bytes (AllowInvalidUTF8): left to it.
func validRune(b []byte, i int) int {
	r, size := utf8.DecodeRune(b[i:])
	if r == utf8.RuneError && size == 1 {
		return -1
	}
	return i + size
}

// unescape consumes the rest of the JSON string whose value starts at
// start and whose first escape is at i, and returns its value in one new
// allocation, never longer than the quoted form.
func (s *scanner) unescape(start, i int) (string, bool) {
	end := stringEnd(s.data, i)
	if end < 0 {
		return "", false
	}
	buf := make([]byte, 0, end-start)
	buf = append(buf, s.data[start:i]...)
	for i < end {
		c := s.data[i]
		switch {
		case plain[c]:
			buf = append(buf, c)
			i++
		case c == '\\':
			var ok bool
			if buf, i, ok = appendEscape(buf, s.data, i); !ok {
				return "", false
			}
		case c < 0x20:
			return "", false
		default:
			next := validRune(s.data, i)
			if next < 0 {
				return "", false
			}
			buf = append(buf, s.data[i:next]...)
			i = next
		}
	}
	s.i = end + 1
	// buf is never written again: the string may share it.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), true
}

// appendEscape appends the value of the escape at b[i] (a backslash) and
// returns the index after it. A lone surrogate (which jsonv2 would replace
// by U+FFFD) is refused.
func appendEscape(buf, b []byte, i int) ([]byte, int, bool) {
	if i+1 >= len(b) {
		return buf, i, false
	}
	switch c := b[i+1]; c {
	case '"', '\\', '/':
		return append(buf, c), i + 2, true
	case 'b':
		return append(buf, '\b'), i + 2, true
	case 'f':
		return append(buf, '\f'), i + 2, true
	case 'n':
		return append(buf, '\n'), i + 2, true
	case 'r':
		return append(buf, '\r'), i + 2, true
	case 't':
		return append(buf, '\t'), i + 2, true
	case 'u':
		r, ok := hex4(b, i+2)
		switch {
		case !ok || (r >= 0xDC00 && r < 0xE000):
			return buf, i, false
		case r < 0xD800 || r >= 0xE000:
			return utf8.AppendRune(buf, r), i + 6, true
		}
		if i+7 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
			return buf, i, false
		}
		lo, ok := hex4(b, i+8)
		if !ok || lo < 0xDC00 || lo >= 0xE000 {
			return buf, i, false
		}
		return utf8.AppendRune(buf, 0x10000+(r-0xD800)<<10+(lo-0xDC00)), i + 12, true
	}
	return buf, i, false
}

// hex4 parses the four hexadecimal digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// stringEnd returns the index of the quote that ends the JSON string whose
// body starts at b[i], or -1: the first quote not escaped by a backslash
// (an escape is a backslash and the byte after it).
func stringEnd(b []byte, i int) int {
	for i < len(b) {
		i = skipToQuoteOrEscape(b, i)
		if i < len(b) && b[i] == '"' {
			return i
		}
		i += 2 // a backslash and the byte it escapes
	}
	return -1
}

// skipToQuoteOrEscape returns the index of the first quote or backslash at
// or after b[i], or len(b).
func skipToQuoteOrEscape(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if mark := hasByte(x, '"') | hasByte(x, '\\'); mark != 0 {
			return i + firstMarked(mark)
		}
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' {
		i++
	}
	return i
}
