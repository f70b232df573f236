// Package jsondec decodes JSON into the plain Go types that sessions hold
// (numbers, bools, strings, structs, slices and pointers of them) several
// times faster than github.com/go-json-experiment/json, with strings that
// alias the input, and defers every input and type it is not sure about to
// that package.
//
// The contract: for any input, Decode either produces exactly the value
// that jsonv2.Unmarshal(data, &v, Options) produces into a zero value, and
// only when that call succeeds; or it reports that it did not decide, and
// the caller decodes with jsonv2 and Options.
// It accepts canonical encoding/json output (what Seal writes) and refuses
// to decide on anything unusual: unknown or repeated member names, escaped
// member names, invalid UTF-8, lone surrogates, numbers out of range.
package jsondec

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxDepth is how deeply the types a Decoder handles may nest: structs,
// slices and pointers count one level each (pointers conservatively: they
// add none in JSON). Input deeper than the type does not match it, so the
// scanner needs no depth counter of its own; 64 is token.MaxDataDepth,
// the nesting the token package allows.
const MaxDepth = 64

// maxFields is the most decodable fields a struct may have: the scanner
// remembers the members it has seen in one uint64.
const maxFields = 64

// A Decoder decodes JSON into a T without reflection per call: For builds
// a plan of T (kinds, field offsets, element sizes) once, and Decode walks
// the input and the plan together. It is safe for concurrent use.
type Decoder[T any] struct {
	root *node
}

// For returns a decoder for T, or nil if T is not a type the fast path
// handles: bool, ints, uints, floats and strings (and named types of
// them), structs of such fields, slices (not of bytes) and pointers of
// such types; the fields of an embedded exported struct without a tag
// are the struct's own (as in jsonv2). It refuses maps, interfaces,
// arrays, other embedded fields, unexported tagged fields, fields of the
// same JSON name, tag options other than omitempty and omitzero, types with
// marshal or unmarshal methods, time.Time and time.Duration, recursive
// types and types nested deeper than MaxDepth. Call it once per type: it
// reflects over T. The Decoder keeps, for each slice in T, a sync.Pool of
// zeroed scratch slices (each at most 64 KiB) for decoding long arrays.
func For[T any]() *Decoder[T] {
	b := builder{onPath: map[reflect.Type]bool{}}
	root := b.build(reflect.TypeFor[T](), 0)
	if root == nil {
		return nil
	}
	return &Decoder[T]{root: root}
}

// kind is what a node decodes.
type kind uint8

const (
	kindBool kind = iota
	kindInt
	kindUint
	kindFloat
	kindString
	kindStruct
	kindSlice
	kindPointer
)

// A node is the plan for one Go type.
type node struct {
	kind kind
	bits int // size in bits of an int, uint or float

	fields []field // of a struct, in declaration order

	elem     *node        // of a slice or a pointer
	elemSize uintptr      // of a slice
	typ      reflect.Type // of a slice (to grow it), of a pointer's element (to allocate it)
	scratch  *sync.Pool   // of a slice: *scratch of typ for long arrays

	// scratchLen is, for a slice, the most elements a long array of it
	// has had that a kept scratch slice holds: the capacity new scratch
	// slices start with, so that they do not grow again element by
	// element each time the GC empties the pool.
	scratchLen atomic.Int64
}

// A field is one decodable struct field.
type field struct {
	name   string // the JSON member name, matched exactly
	offset uintptr
	node   *node

	// The member as encoding/json writes it, "name": (at most 16 bytes),
	// as two little-endian words and the masks of its bytes, to match the
	// name and the colon in two comparisons; the masks are 0 for a longer
	// name.
	key, keyMask [2]uint64
}

// maxKey is the longest quoted name and colon that a field's key holds.
const maxKey = 16

// newField returns the field named name.
func newField(name string, offset uintptr, n *node) field {
	f := field{name: name, offset: offset, node: n}
	key := `"` + name + `":`
	if len(key) <= maxKey {
		var b, m [maxKey]byte
		copy(b[:], key)
		copy(m[:], strings.Repeat("\xff", len(key)))
		for w := range f.key {
			f.key[w] = binary.LittleEndian.Uint64(b[8*w:])
			f.keyMask[w] = binary.LittleEndian.Uint64(m[8*w:])
		}
	}
	return f
}

// builder builds plans; onPath holds the types being built, to refuse
// recursive types.
type builder struct {
	onPath map[reflect.Type]bool
}

// Options are the options of the reference decoder, the token package's:
// they accept every JSON value that encoding/json, which Seal uses, writes
// (a json.RawMessage or a MarshalJSON may carry a lone surrogate escape or
// a repeated name). Field names still match exactly (case-sensitively),
// unlike encoding/json. Decode's results are those of jsonv2 with these
// options, so they are defined here, once.
var Options = jsonv2.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

// methodTypes are the interfaces through which encoding/json or jsonv2 let
// a type decide its own JSON form (or, for marshalers, suggest that it
// does).
var methodTypes = []reflect.Type{
	reflect.TypeFor[json.Marshaler](),
	reflect.TypeFor[json.Unmarshaler](),
	reflect.TypeFor[jsonv2.Marshaler](),
	reflect.TypeFor[jsonv2.MarshalerTo](),
	reflect.TypeFor[jsonv2.Unmarshaler](),
	reflect.TypeFor[jsonv2.UnmarshalerFrom](),
	reflect.TypeFor[encoding.TextAppender](),
	reflect.TypeFor[encoding.TextMarshaler](),
	reflect.TypeFor[encoding.TextUnmarshaler](),
}

// CustomJSON reports whether t, itself or by pointer, implements one of
// the interfaces by which encoding/json or jsonv2 let a type choose its
// own JSON form: such a type is not decoded by its kind.
func CustomJSON(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	for _, m := range methodTypes {
		if t.Implements(m) || p.Implements(m) {
			return true
		}
	}
	return false
}

// special are types jsonv2 handles by identity rather than by kind (time),
// or that encoding/json writes as a JSON number although their kind is
// string (json.Number): left to jsonv2 to keep the rules simple.
var special = []reflect.Type{
	reflect.TypeFor[time.Time](),
	reflect.TypeFor[time.Duration](),
	reflect.TypeFor[json.Number](),
}

// build returns the plan of t inside depth structs, slices and pointers,
// or nil if t is unsupported.
func (b *builder) build(t reflect.Type, depth int) *node {
	if b.onPath[t] || hasMethods(t) {
		return nil
	}
	if n := scalarNode(t); n != nil {
		return n
	}
	if depth == MaxDepth {
		return nil // a struct, slice or pointer a level too deep
	}
	b.onPath[t] = true
	defer delete(b.onPath, t)
	switch t.Kind() {
	case reflect.Struct:
		return b.buildStruct(t, depth)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // base64 in JSON
			return nil
		}
		n := &node{kind: kindSlice, elemSize: t.Elem().Size(), typ: t}
		n.scratch = scratchPool(n)
		return b.wrap(n, t.Elem(), depth)
	case reflect.Pointer:
		return b.wrap(&node{kind: kindPointer, typ: t.Elem()}, t.Elem(), depth)
	}
	return nil // maps, interfaces, arrays, uintptr, complex, chan, func
}

// scalarNode returns the plan of t if it is a bool, number or string.
func scalarNode(t reflect.Type) *node {
	switch t.Kind() {
	case reflect.Bool:
		return &node{kind: kindBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &node{kind: kindInt, bits: t.Bits()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &node{kind: kindUint, bits: t.Bits()}
	case reflect.Float32, reflect.Float64:
		return &node{kind: kindFloat, bits: t.Bits()}
	case reflect.String:
		return &node{kind: kindString}
	}
	return nil
}

// wrap sets n's element plan, of type elem, or returns nil.
func (b *builder) wrap(n *node, elem reflect.Type, depth int) *node {
	n.elem = b.build(elem, depth+1)
	if n.elem == nil {
		return nil
	}
	return n
}

// hasMethods reports whether jsonv2 might not decode t by its kind.
func hasMethods(t reflect.Type) bool {
	for _, s := range special {
		if t == s {
			return true
		}
	}
	return t.Kind() == reflect.Interface || CustomJSON(t)
}

// buildStruct returns the plan of the struct type t, or nil.
func (b *builder) buildStruct(t reflect.Type, depth int) *node {
	n := &node{kind: kindStruct}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, tagged := sf.Tag.Lookup("json")
		switch {
		case tag == "-":
			continue // ignored by jsonv2 whatever its type
		case sf.Anonymous:
			if !b.embed(n, sf, tagged, depth) {
				return nil
			}
			continue
		case !sf.IsExported():
			if tagged {
				return nil // jsonv2 refuses the type
			}
			continue
		}
		name, ok := memberName(sf.Name, tag)
		fn := b.build(sf.Type, depth+1)
		if !ok || fn == nil {
			return nil
		}
		n.fields = append(n.fields, newField(name, sf.Offset, fn))
	}
	if (t.NumField() > 0 && len(n.fields) == 0) || len(n.fields) > maxFields || !uniqueNames(n.fields) {
		// jsonv2 may refuse a struct with no JSON fields; it picks one
		// of fields of the same name by rules not repeated here.
		return nil
	}
	return n
}

// embed adds to n the fields of the embedded field sf, which jsonv2
// treats as its own (inlines) if sf is an exported struct without a tag.
// Embedded pointers (which jsonv2 allocates on demand), unexported or
// tagged embedded fields are left to jsonv2.
func (b *builder) embed(n *node, sf reflect.StructField, tagged bool, depth int) bool {
	if tagged || !sf.IsExported() || sf.Type.Kind() != reflect.Struct {
		return false
	}
	inner := b.build(sf.Type, depth+1)
	if inner == nil || len(inner.fields) == 0 {
		return false
	}
	for _, f := range inner.fields {
		n.fields = append(n.fields, newField(f.name, sf.Offset+f.offset, f.node))
	}
	return true
}

// uniqueNames reports whether no two fields have the same name.
func uniqueNames(fields []field) bool {
	names := make(map[string]bool, len(fields))
	for _, f := range fields {
		if names[f.name] {
			return false
		}
		names[f.name] = true
	}
	return true
}

// memberName returns the JSON member name of the exported field goName
// with json tag tag, if the tag is one this package understands: empty,
// a plain name, and at most the options omitempty and omitzero (which
// only affect encoding).
func memberName(goName, tag string) (string, bool) {
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = goName
	}
	if !plainName(name) {
		return "", false
	}
	if !strings.Contains(tag, ",") {
		return name, true
	}
	seen := map[string]bool{}
	for opt := range strings.SplitSeq(opts, ",") {
		if (opt != "omitempty" && opt != "omitzero") || seen[opt] {
			return "", false
		}
		seen[opt] = true
	}
	return name, true
}

// plainName reports whether name is a member name that jsonv2 takes
// verbatim from a tag and that JSON carries unescaped: valid UTF-8, no
// control characters, no quotes, backslashes or commas.
func plainName(name string) bool {
	if name == "" || !utf8.ValidString(name) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || strings.IndexByte("\"\\'`,", c) >= 0 {
			return false
		}
	}
	return true
}

// sliceHeader is the memory layout of a Go slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// emptyArray is where empty slices point: jsonv2 decodes [] to an empty
// slice that is not nil.
var emptyArray [0]uint64
