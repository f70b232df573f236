package jsondec

import (
	"reflect"
	"sync"
	"unsafe"
)

// Slices are allocated once, at their final length, by one of two ways.
// A short array (it ends within countLimit bytes) is counted first and its
// elements decoded in place. A longer one is decoded into a scratch slice
// of the node's, reused between calls, and then copied: counting first
// would read it twice, and the copy costs less than the second reading.
// The limit is low because a long array pays for the counting it gives up
// on: 64 bytes hold the short lists of names that sessions carry.
const countLimit = 64

// maxScratchBytes bounds the scratch slices kept for reuse.
const maxScratchBytes = 64 << 10

// scratch is a reusable slice of a slice node's type, its elements zero
// outside decodeInto. It is typed (made by reflect) so that the GC sees
// the pointers that decoded elements hold before they are copied out.
type scratch struct {
	v reflect.Value // the slice, addressable; its length is 0 in the pool
	h *sliceHeader  // v's header
}

// scratchPool returns a pool of scratch slices for the slice node n.
func scratchPool(n *node) *sync.Pool {
	return &sync.Pool{New: func() any {
		p := reflect.New(n.typ)
		sc := &scratch{v: p.Elem(), h: (*sliceHeader)(p.UnsafePointer())}
		sc.v.Grow(max(16, int(n.scratchLen.Load())))
		return sc
	}}
}

// array decodes a JSON array into the slice at p.
func (s *scanner) array(n *node, p unsafe.Pointer) bool {
	s.i++ // '['
	b := s.data[s.i:]
	count, ok := countElements(b[:min(len(b), countLimit)])
	switch {
	case !ok:
		return s.arrayVia(n, p)
	case count == 0:
		(*sliceHeader)(p).data = unsafe.Pointer(&emptyArray) // jsonv2 decodes [] to a non-nil slice
		return s.consume(']')
	}
	h := allocSlice(n, p, count)
	for k := range count {
		if (k > 0 && !s.consume(',')) || !s.element(n.elem, unsafe.Add(h.data, uintptr(k)*n.elemSize)) {
			return false
		}
	}
	return s.consume(']')
}

// element decodes an array element by plan n into the zero value at p:
// an object straight into a struct, without value's dispatch.
func (s *scanner) element(n *node, p unsafe.Pointer) bool {
	if n.kind == kindStruct && s.i < len(s.data) && s.data[s.i] == '{' {
		return s.object(n, p)
	}
	return s.value(n, p)
}

// allocSlice sets the slice at p to a new one of count zero elements.
// Value.Grow allocates the backing array typed (GC-correct) and zeroed,
// without the second allocation (of a slice header) of reflect.MakeSlice.
func allocSlice(n *node, p unsafe.Pointer, count int) *sliceHeader {
	reflect.NewAt(n.typ, p).Elem().Grow(count)
	h := (*sliceHeader)(p)
	h.len = count
	return h
}

// arrayVia decodes the rest of a JSON array into a scratch slice and copies
// it to a new slice at p.
func (s *scanner) arrayVia(n *node, p unsafe.Pointer) bool {
	sc := n.scratch.Get().(*scratch)
	k, ok := s.decodeInto(n, sc)
	if !ok {
		return false // sc holds decoded elements: not reused
	}
	if k == 0 {
		(*sliceHeader)(p).data = unsafe.Pointer(&emptyArray)
	} else {
		allocSlice(n, p, k)
		sc.h.len = k
		reflect.Copy(reflect.NewAt(n.typ, p).Elem(), sc.v)
		sc.v.Clear()
		sc.h.len = 0
	}
	if uintptr(sc.h.cap)*n.elemSize <= maxScratchBytes {
		if int64(k) > n.scratchLen.Load() {
			n.scratchLen.Store(int64(k)) // a race may store less: a hint
		}
		n.scratch.Put(sc)
	}
	return true
}

// decodeInto decodes the rest of a JSON array into sc and returns the
// number of elements, growing sc as needed.
func (s *scanner) decodeInto(n *node, sc *scratch) (int, bool) {
	if s.consume(']') {
		return 0, true
	}
	for k := 0; ; k++ {
		if k == sc.h.cap {
			sc.h.len = k // so that Grow keeps the decoded elements
			sc.v.Grow(k)
			sc.h.len = 0
		}
		if !s.element(n.elem, unsafe.Add(sc.h.data, uintptr(k)*n.elemSize)) {
			return 0, false
		}
		switch s.next() {
		case ',':
			s.i++
		case ']':
			s.i++
			return k + 1, true
		default:
			return 0, false
		}
	}
}

// Classes of bytes for countElements.
const (
	classOther = iota
	classSpace
	classQuote
	classOpen
	classClose
	classComma
)

// countClass is the class of each byte for countElements.
var countClass = func() (t [256]uint8) {
	for _, c := range " \t\r\n" {
		t[c] = classSpace
	}
	t['"'], t['['], t['{'], t[']'], t['}'], t[','] = classQuote, classOpen, classOpen, classClose, classClose, classComma
	return t
}()

// countElements returns the number of elements of the array whose body
// (after the '[') starts b: the values outside nested values and strings.
// It validates only what bounds the count by the input's length (no empty
// element): decoding the elements validates the rest, and fails if the
// count does not match them. It reports false if the array does not end
// in b.
func countElements(b []byte) (int, bool) {
	depth, count := 0, 0
	inElement := false // at depth 0: a byte of the current element was seen
	for i := 0; i < len(b); i++ {
		switch countClass[b[i]] {
		case classOther:
			inElement = true
		case classQuote:
			if i = stringEnd(b, i+1); i < 0 {
				return 0, false
			}
			inElement = true
		case classOpen:
			depth++
			inElement = true
		case classClose:
			if depth > 0 {
				depth--
				continue
			}
			switch {
			case b[i] != ']':
				return 0, false
			case inElement:
				return count + 1, true
			}
			return 0, count == 0 // [] or a trailing comma
		case classComma:
			if depth > 0 {
				continue
			}
			if !inElement {
				return 0, false
			}
			count, inElement = count+1, false
		}
	}
	return 0, false
}
