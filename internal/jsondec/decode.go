package jsondec

import (
	"encoding/binary"
	"reflect"
	"unsafe"
)

// Decode decodes data, which must hold one JSON value, into *v, which must
// be the zero value of T, and reports whether it decided. When it returns
// true, *v is exactly what jsonv2.Unmarshal(data, v, opts) would have
// made of a zero *v, with the options of the package documentation, and
// that call would have succeeded.
//
// STRINGS IN *v ALIAS data: a string without escapes points into data
// instead of being copied. The caller must never modify data afterwards,
// nor reuse its buffer (for example from a sync.Pool), or the decoded
// strings change with it.
//
// It allocates once per non-empty slice (at its final length), once per
// non-nil pointer and once per string with escapes; nothing else.
//
// It returns false when it did not decide: the input is outside what it
// handles, or jsonv2 would refuse it. *v is then in an unspecified state
// (partly decoded): the caller must reset it to the zero value and decode
// with jsonv2, which decides.
func (d *Decoder[T]) Decode(data []byte, v *T) bool {
	s := scanner{data: data}
	if !s.value(d.root, unsafe.Pointer(v)) {
		return false
	}
	s.skipSpace()
	return s.i == len(s.data)
}

// scanner is the input and the position of the next byte to read.
type scanner struct {
	data []byte
	i    int
}

// skipSpace skips JSON whitespace.
func (s *scanner) skipSpace() {
	for s.i < len(s.data) && s.data[s.i] <= ' ' && isSpace(s.data[s.i]) {
		s.i++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// next skips whitespace and returns the next byte without consuming it, or
// 0 at the end of the input.
func (s *scanner) next() byte {
	s.skipSpace()
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// consume skips whitespace and the byte c, and reports whether c was next.
func (s *scanner) consume(c byte) bool {
	if s.next() != c {
		return false
	}
	s.i++
	return true
}

// literal consumes lit (true, false or null) if it is next.
func (s *scanner) literal(lit string) bool {
	if len(s.data)-s.i < len(lit) || string(s.data[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// value decodes the next value by plan n into the zero value at p. A JSON
// null leaves the zero value, as jsonv2 sets it.
func (s *scanner) value(n *node, p unsafe.Pointer) bool {
	c := s.next()
	if c == 'n' {
		return s.literal("null")
	}
	switch n.kind {
	case kindBool:
		return s.bool(c, p)
	case kindInt:
		return s.int(n.bits, p)
	case kindUint:
		return s.uint(n.bits, p)
	case kindFloat:
		return s.float(n.bits, p)
	case kindString:
		str, ok := s.string()
		*(*string)(p) = str
		return ok
	case kindStruct:
		return c == '{' && s.object(n, p)
	case kindSlice:
		return c == '[' && s.array(n, p)
	case kindPointer:
		// A typed allocation, so that the GC knows what the new value
		// holds; reflect.New is the only way to get one for a type known
		// at run time.
		e := reflect.New(n.typ).UnsafePointer()
		*(*unsafe.Pointer)(p) = e
		return s.value(n.elem, e)
	}
	return false
}

// bool decodes true or false, starting with c.
func (s *scanner) bool(c byte, p unsafe.Pointer) bool {
	if c == 't' {
		*(*bool)(p) = true
		return s.literal("true")
	}
	return s.literal("false")
}

// object decodes a JSON object into the struct at p. Members must be
// fields of the struct, each at most once, with unescaped names.
func (s *scanner) object(n *node, p unsafe.Pointer) bool {
	s.i++ // '{'
	if s.consume('}') {
		return true
	}
	var seen uint64
	hint := 0 // encoding/json writes the fields in declaration order: try the next one first
	for {
		j := hint
		if j >= len(n.fields) || !s.key(&n.fields[j]) {
			j = s.member(n)
		}
		if j < 0 || seen&(1<<j) != 0 {
			return false // unknown (jsonv2 skips or folds case) or repeated
		}
		seen |= 1 << j
		hint = j + 1
		f := &n.fields[j]
		fn, fp := f.node, unsafe.Add(p, f.offset)
		// Plain strings and short integers first, as encoding/json
		// writes them (no whitespace before): what sessions mostly hold.
		done := false
		switch fn.kind {
		case kindString:
			var str string
			if str, done = s.plainString(); done {
				*(*string)(fp) = str
			}
		case kindInt:
			var m uint64
			if m, done = s.shortInteger(1 << (fn.bits - 1)); done {
				store(fn.bits, fp, m)
			}
		}
		if !done && !s.value(fn, fp) {
			return false
		}
		switch s.next() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// key consumes f's member name and colon if the input has them as
// encoding/json writes them ("name": with no whitespace), in two word
// comparisons: a field's name has no quote or backslash, so if the input
// has it quoted, that is the whole member name.
func (s *scanner) key(f *field) bool {
	if s.i+maxKey > len(s.data) || f.keyMask[0] == 0 {
		return false
	}
	b := s.data[s.i : s.i+maxKey]
	if binary.LittleEndian.Uint64(b)&f.keyMask[0] != f.key[0] ||
		binary.LittleEndian.Uint64(b[8:])&f.keyMask[1] != f.key[1] {
		return false
	}
	s.i += len(f.name) + 3
	return true
}

// member consumes a member name and its colon and returns the index of
// its field, or -1.
func (s *scanner) member(n *node) int {
	if s.next() != '"' {
		return -1
	}
	j := n.lookup(s.name())
	if j < 0 || !s.consume(':') {
		return -1
	}
	return j
}

// name consumes the member name that starts at s.i (a quote) and returns
// its raw bytes, or nil if it has an escape, a control byte or no end.
// A name with other invalid bytes matches no field, whose names are valid
// UTF-8.
func (s *scanner) name() []byte {
	start := s.i + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.i = i + 1
			return s.data[start:i]
		case c == '\\' || c < 0x20:
			return nil
		}
	}
	return nil
}

// lookup returns the index of the field named name, or -1.
func (n *node) lookup(name []byte) int {
	for j := range n.fields {
		if n.fields[j].name == string(name) {
			return j
		}
	}
	return -1
}
