package jsondec

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
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
// not plain (see plain), or len(b): eight bytes at a time while it can.
func skipPlain(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// As has0 and a "less than 0x20" test, without their &^ x: a
		// byte at or above 0x80 is marked by x itself anyway, so the lowest
		// mark is still exact, in fewer operations.
		quote := (x ^ ones*'"') - ones
		backslash := (x ^ ones*'\\') - ones
		control := x - ones*0x20
		mark := (quote | backslash | control | x) & highs
		if mark != 0 {
			return i + firstMarked(mark)
		}
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
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

// number consumes a JSON number and returns its text.
func (s *scanner) number() (lit []byte, ok bool) {
	b, start := s.data, s.i
	i := start
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		if i = digits(b, i+1); i < 0 {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i = digits(b, i); i < 0 {
			return nil, false
		}
	}
	s.i = i
	return b[start:i], true
}

// digits returns the index after the run of at least one digit at b[i],
// or -1.
func digits(b []byte, i int) int {
	start := i
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// integer consumes an integer literal, -?(0|[1-9][0-9]*), and returns its
// sign and magnitude. It refuses a fraction or an exponent (as jsonv2
// refuses them into an integer) and magnitudes above math.MaxUint64.
func (s *scanner) integer() (neg bool, m uint64, ok bool) {
	b, i := s.data, s.i
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	start := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		end := min(len(b), start+19) // below 10^19: no overflow
		for i < end && '0' <= b[i] && b[i] <= '9' {
			m = m*10 + uint64(b[i]-'0')
			i++
		}
		if i < len(b) && '0' <= b[i] && b[i] <= '9' { // a 20th digit
			d := uint64(b[i] - '0')
			if m > (math.MaxUint64-d)/10 {
				return false, 0, false
			}
			m = m*10 + d
			i++
		}
	default:
		return false, 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' || ('0' <= b[i] && b[i] <= '9')) {
		return false, 0, false
	}
	s.i = i
	return neg, m, true
}

// int decodes an integer literal into the size-bit int at p; values out of
// range are refused, as jsonv2 refuses them. -0 is 0 (as in jsonv2).
func (s *scanner) int(size int, p unsafe.Pointer) bool {
	neg, m, ok := s.integer()
	limit := uint64(1) << (size - 1) // -limit .. limit-1
	if !ok || (neg && m > limit) || (!neg && m >= limit) {
		return false
	}
	v := int64(m)
	if neg {
		v = -v // also right for m == limit: two's complement
	}
	store(size, p, uint64(v))
	return true
}

// uint decodes a non-negative integer literal into the size-bit uint at
// p. jsonv2 refuses a minus sign, even in -0.
func (s *scanner) uint(size int, p unsafe.Pointer) bool {
	neg, m, ok := s.integer()
	if !ok || neg || (size < 64 && m >= uint64(1)<<size) {
		return false
	}
	store(size, p, m)
	return true
}

// store writes the low bits of u to the size-bit integer at p: in two's
// complement, the same bits for an int as for a uint.
func store(size int, p unsafe.Pointer, u uint64) {
	switch size {
	case 8:
		*(*uint8)(p) = uint8(u)
	case 16:
		*(*uint16)(p) = uint16(u)
	case 32:
		*(*uint32)(p) = uint32(u)
	default:
		*(*uint64)(p) = u
	}
}

// float decodes a number into the size-bit float at p with
// strconv.ParseFloat, as jsonv2 does; its errors (out of range) are
// refused, as jsonv2 refuses them.
func (s *scanner) float(size int, p unsafe.Pointer) bool {
	lit, ok := s.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(lit), len(lit)), size)
	if err != nil {
		return false
	}
	if size == 32 {
		*(*float32)(p) = float32(f)
	} else {
		*(*float64)(p) = f
	}
	return true
}
