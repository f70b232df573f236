package jsondec

import (
	"encoding/binary"
	"math"
	"strconv"
	"unsafe"
)

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
		if i+8 <= len(b) {
			var n int
			n, m = leadingDigits(binary.LittleEndian.Uint64(b[i:]))
			if i += n; n < 8 {
				break // the digits end within the word
			}
		}
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

// leadingDigits returns the number of decimal digits that the
// little-endian word x starts with, and their value; the first
// byte is a digit. Word-at-a-time (see has0): a byte is not a digit if it
// is below '0' (a borrow), above '9' (a carry into its high bit) or at
// least 0x80; the lowest mark is exact, the bytes below it being digits.
func leadingDigits(x uint64) (n int, m uint64) {
	d := x - ones*'0'
	mark := (d | (x + ones*(0x7f-'9')) | x) & highs
	n = 8
	if mark != 0 {
		n = firstMarked(mark)
	}
	// The digits to the top bytes, the first the most significant, then
	// pairs, quadruples and the eight combined as in long multiplication.
	d <<= 64 - 8*uint(n)
	d = (d*10 + d>>8) & 0x00ff00ff00ff00ff
	d = (d*100 + d>>16) & 0x0000ffff0000ffff
	return n, (d*10000 + d>>32) & 0xffffffff
}

// shortInteger consumes a positive integer of at most 7 digits and below
// limit, the common case that one word holds, and returns it; otherwise it
// consumes nothing and integer decides.
func (s *scanner) shortInteger(limit uint64) (uint64, bool) {
	if s.i+8 > len(s.data) || s.data[s.i] < '1' || s.data[s.i] > '9' {
		return 0, false
	}
	x := binary.LittleEndian.Uint64(s.data[s.i:])
	n, m := leadingDigits(x)
	// The byte after the digits must not make it a fraction or exponent
	// (another digit it cannot be, with n < 8).
	if after := byte(x >> (8 * n)); n == 8 || after == '.' || after|0x20 == 'e' || m >= limit {
		return 0, false
	}
	s.i += n
	return m, true
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
