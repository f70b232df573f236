package jsondec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Types For must refuse.
type (
	withUnmarshalJSON struct{ A int }
	withText          int
	embeddedPointer   struct {
		*Item
		B int
	}
	embeddedTagged struct {
		Item `json:"item"`
	}
	embeddedUnexported struct {
		item
		B int
	}
	item              struct{ A int }
	embeddedNonStruct struct {
		Count
		B int
	}
	embeddedConflict struct {
		Item
		ID int `json:"id"`
	}
	embeddedTwice struct {
		Item
		Embedded
	}
	embeddedMethods struct {
		withUnmarshalJSON
		B int
	}
	stringOption struct {
		A int `json:",string"`
	}
	caseOption struct {
		A int `json:",case:ignore"`
	}
	inlineOption struct {
		A Item `json:",inline"`
	}
	quotedName struct {
		A int `json:"'a'"`
	}
	sameAsGoName struct {
		A int
		B int `json:"A"`
	}
	taggedUnexported struct {
		A int
		b int `json:""` // any tag, even an empty one (which go vet allows)
	}
	onlyUnexported struct{ a, b int }
	recursive      struct{ Next *recursive }
	mutual1        struct{ M []mutual2 }
	mutual2        struct{ M *mutual1 }
	withMap        struct{ M map[string]int }
	withDuration   struct{ D time.Duration }
	withArray      struct{ A [2]int }
	namedBytes     []byte
	myByte         uint8
	tooManyFields  struct {
		F00, F01, F02, F03, F04, F05, F06, F07, F08, F09, F10, F11, F12, F13, F14, F15 int
		F16, F17, F18, F19, F20, F21, F22, F23, F24, F25, F26, F27, F28, F29, F30, F31 int
		F32, F33, F34, F35, F36, F37, F38, F39, F40, F41, F42, F43, F44, F45, F46, F47 int
		F48, F49, F50, F51, F52, F53, F54, F55, F56, F57, F58, F59, F60, F61, F62, F63 int
		F64                                                                            int
	}
)

func (*withUnmarshalJSON) UnmarshalJSON([]byte) error { return nil }
func (withText) MarshalText() ([]byte, error)         { return nil, nil }

// unused keeps staticcheck from reporting the unexported fields that the
// refused types have on purpose.
var _ = []any{taggedUnexported{}.b, onlyUnexported{}.a, onlyUnexported{}.b}

func TestForRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"map", For[map[string]int]() == nil},
		{"interface", For[any]() == nil},
		{"error", For[error]() == nil},
		{"time.Time", For[time.Time]() == nil},
		{"time.Duration", For[time.Duration]() == nil},
		{"time.Duration field", For[withDuration]() == nil},
		{"UnmarshalJSON", For[withUnmarshalJSON]() == nil},
		{"UnmarshalJSON by pointer", For[*withUnmarshalJSON]() == nil},
		{"MarshalText", For[withText]() == nil},
		{"json.RawMessage", For[json.RawMessage]() == nil},
		{"json.Number", For[json.Number]() == nil},
		{"embedded pointer", For[embeddedPointer]() == nil},
		{"embedded with a tag", For[embeddedTagged]() == nil},
		{"embedded unexported type", For[embeddedUnexported]() == nil},
		{"embedded non-struct", For[embeddedNonStruct]() == nil},
		{"embedded name conflict", For[embeddedConflict]() == nil},
		{"embedded twice", For[embeddedTwice]() == nil},
		{"embedded with methods", For[embeddedMethods]() == nil},
		{"string option", For[stringOption]() == nil},
		{"case option", For[caseOption]() == nil},
		{"inline option", For[inlineOption]() == nil},
		{"quoted name", For[quotedName]() == nil},
		{"trailing comma in tag", planOf(tagged(`json:"a,"`)) == nil},
		{"dash comma", planOf(tagged(`json:"-,"`)) == nil},
		{"option twice", planOf(tagged(`json:"a,omitempty,omitempty"`)) == nil},
		{"same JSON name", planOf(sameName) == nil},
		{"tag same as a Go name", For[sameAsGoName]() == nil},
		{"tagged unexported field", For[taggedUnexported]() == nil},
		{"only unexported fields", For[onlyUnexported]() == nil},
		{"recursive", For[recursive]() == nil},
		{"mutually recursive", For[mutual1]() == nil},
		{"map field", For[withMap]() == nil},
		{"array", For[[2]int]() == nil},
		{"array field", For[withArray]() == nil},
		{"[]byte", For[[]byte]() == nil},
		{"named []byte", For[namedBytes]() == nil},
		{"slice of named bytes", For[[]myByte]() == nil},
		{"uintptr", For[uintptr]() == nil},
		{"complex", For[complex128]() == nil},
		{"chan", For[chan int]() == nil},
		{"func", For[func()]() == nil},
		{"65 fields", For[tooManyFields]() == nil},
		{"nested too deep", nested(MaxDepth+1) == nil},
	} {
		if !c.ok {
			t.Errorf("For accepts the %s type", c.name)
		}
	}
}

// tagged returns the type struct{ A int } with the tag tag on A, built at
// run time because go vet and staticcheck report malformed tags.
func tagged(tag reflect.StructTag) reflect.Type {
	return reflect.StructOf([]reflect.StructField{{Name: "A", Type: reflect.TypeFor[int](), Tag: tag}})
}

// sameName is a struct type with two fields named x in JSON, built at run
// time because go vet reports such a declaration.
var sameName = reflect.StructOf([]reflect.StructField{
	{Name: "A", Type: reflect.TypeFor[int](), Tag: `json:"x"`},
	{Name: "B", Type: reflect.TypeFor[int](), Tag: `json:"x"`},
})

// planOf is For for a type known at run time.
func planOf(typ reflect.Type) *node {
	b := builder{onPath: map[reflect.Type]bool{}}
	return b.build(typ, 0)
}

// nested returns the plan of a slice type nested depth levels deep:
// [][]...[]int with depth brackets.
func nested(depth int) *node {
	typ := reflect.TypeFor[int]()
	for range depth {
		typ = reflect.SliceOf(typ)
	}
	return planOf(typ)
}

func TestForAccepts(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"Visitor", For[Visitor]() != nil},
		{"Scalars", For[Scalars]() != nil},
		{"Nested", For[Nested]() != nil},
		{"Embedded", For[Embedded]() != nil},
		{"pointer to Visitor", For[*Visitor]() != nil},
		{"empty struct", For[struct{}]() != nil},
		{"[]uint16", For[[]uint16]() != nil},
		{"nested as deep as allowed", nested(MaxDepth) != nil},
	} {
		if !c.ok {
			t.Errorf("For refuses the %s type", c.name)
		}
	}
}

// TestRefusedTagsJSONv2: the tags For refuses as malformed, jsonv2 refuses
// too (so that refusing them costs nothing).
func TestRefusedTagsJSONv2(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
	}{
		{"trailing comma", unmarshal(tagged(`json:"a,"`))},
		{"dash comma", unmarshal(tagged(`json:"-,"`))},
		{"option twice", unmarshal(tagged(`json:"a,omitempty,omitempty"`))},
		{"same JSON name", unmarshal(sameName)},
		{"tagged unexported", unmarshal(reflect.TypeFor[taggedUnexported]())},
		{"only unexported", unmarshal(reflect.TypeFor[onlyUnexported]())},
	} {
		if c.err == nil {
			t.Errorf("jsonv2 decodes {} into the %s type", c.name)
		}
	}
}

// unmarshal decodes {} into a new value of type typ with jsonv2.
func unmarshal(typ reflect.Type) error {
	return jsonv2Unmarshal([]byte(`{}`), reflect.New(typ).Interface())
}

// TestDeepest decodes the deepest input a plan allows, MaxDepth nested
// arrays, as jsonv2 does.
func TestDeepest(t *testing.T) {
	typ := reflect.TypeFor[int]()
	for range MaxDepth {
		typ = reflect.SliceOf(typ)
	}
	data := []byte(strings.Repeat("[", MaxDepth) + "7" + strings.Repeat("]", MaxDepth))
	fast, slow := reflect.New(typ), reflect.New(typ)
	s := scanner{data: data}
	if !s.value(planOf(typ), fast.UnsafePointer()) || s.i != len(data) {
		t.Fatal("not decided")
	}
	if err := jsonv2Unmarshal(data, slow.Interface()); err != nil {
		t.Fatal(err)
	}
	// Not go-cmp: its time doubles with each level of nested slices.
	if !reflect.DeepEqual(slow.Interface(), fast.Interface()) {
		t.Errorf("%s: differs from jsonv2", data)
	}
}
