package jsondec

import (
	"bytes"
	"math"
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
	for i := start; i < len(s.data); {
		c := s.data[i]
		switch {
		case plain[c]:
			i++
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
	return "", false
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
// body starts at b[i], or -1: the first quote not escaped by an odd run of
// backslashes.
func stringEnd(b []byte, i int) int {
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		k := q
		for k > i && b[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// number consumes a JSON number and returns its text and whether it is an
// integer (no fraction, no exponent).
func (s *scanner) number() (lit []byte, integer, ok bool) {
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
		return nil, false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		if i = digits(b, i+1); i < 0 {
			return nil, false, false
		}
		integer = false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i = digits(b, i); i < 0 {
			return nil, false, false
		}
		integer = false
	}
	s.i = i
	return b[start:i], integer, true
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

// magnitude parses the digits of an integer literal (no sign), reporting
// false above math.MaxUint64.
func magnitude(lit []byte) (uint64, bool) {
	var n uint64
	for _, c := range lit {
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// int decodes an integer literal into the bits-wide int at p; fractions,
// exponents and values out of range are refused, as jsonv2 refuses them.
// -0 is 0 (as in jsonv2).
func (s *scanner) int(bits int, p unsafe.Pointer) bool {
	lit, integer, ok := s.number()
	if !ok || !integer {
		return false
	}
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	m, ok := magnitude(lit)
	limit := uint64(1) << (bits - 1) // -limit .. limit-1
	if !ok || (neg && m > limit) || (!neg && m >= limit) {
		return false
	}
	v := int64(m)
	if neg {
		v = -v // also right for m == limit: two's complement
	}
	switch bits {
	case 8:
		*(*int8)(p) = int8(v)
	case 16:
		*(*int16)(p) = int16(v)
	case 32:
		*(*int32)(p) = int32(v)
	default:
		*(*int64)(p) = v
	}
	return true
}

// uint decodes a non-negative integer literal into the bits-wide uint at
// p. jsonv2 refuses a minus sign, even in -0.
func (s *scanner) uint(bits int, p unsafe.Pointer) bool {
	lit, integer, ok := s.number()
	if !ok || !integer || lit[0] == '-' {
		return false
	}
	m, ok := magnitude(lit)
	if !ok || (bits < 64 && m >= uint64(1)<<bits) {
		return false
	}
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(m)
	case 16:
		*(*uint16)(p) = uint16(m)
	case 32:
		*(*uint32)(p) = uint32(m)
	default:
		*(*uint64)(p) = m
	}
	return true
}

// float decodes a number into the bits-wide float at p with
// strconv.ParseFloat, as jsonv2 does; its errors (out of range) are
// refused, as jsonv2 refuses them.
func (s *scanner) float(bits int, p unsafe.Pointer) bool {
	lit, _, ok := s.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(lit), len(lit)), bits)
	if err != nil {
		return false
	}
	if bits == 32 {
		*(*float32)(p) = float32(f)
	} else {
		*(*float64)(p) = f
	}
	return true
}
