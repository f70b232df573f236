package jsondec

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/internal/benchdata"
)

// Visitor and Item are the session data of bench/ (internal/benchdata):
// a user and the pages recently viewed.
type (
	Visitor = benchdata.Visitor
	Item    = benchdata.Item
)

// Label and Count are named types of supported kinds.
type (
	Label string
	Count int16
)

// Scalars has a field of every scalar kind, named types, pointers and
// every accepted form of tag.
type Scalars struct {
	B    bool    `json:"b"`
	I    int     `json:"i,omitempty"`
	I8   int8    `json:"i8,omitzero"`
	I16  int16   `json:"i16,omitempty,omitzero"`
	I32  int32   `json:"i32"`
	I64  int64   `json:"i64"`
	U    uint    `json:"u"`
	U8   uint8   `json:"u8"`
	U16  uint16  `json:"u16"`
	U32  uint32  `json:"u32"`
	U64  uint64  `json:"u64"`
	F32  float32 `json:"f32"`
	F64  float64 `json:"f64"`
	S    string  `json:"s"`
	L    Label   `json:"l"`
	C    Count
	Skip map[string]int `json:"-"`
	PI   *int           `json:"pi"`
	PPS  **string       `json:"pps"`
	PS   *Scalars2      `json:"ps"`
	Odd  int            `json:"a-b.c d"`
	_    int            // ignored: unexported, untagged
}

// Scalars2 is the element of a pointer.
type Scalars2 struct {
	N []int `json:"n"`
}

// Nested has nested slices and slices of pointers and structs.
type Nested struct {
	M  [][]int      `json:"m"`
	PS []*string    `json:"ps"`
	SS [][]Item     `json:"ss"`
	F  []float64    `json:"f"`
	B  []bool       `json:"b"`
	U  []uint16     `json:"u"`
	PV *[]*Visitor  `json:"pv"`
	E  []struct{}   `json:"e"`
	L  [][][]string `json:"l"`
	N7 int          `json:"seven_7"`
	N8 int          `json:"eight__8"`
}

// Embedded has the fields of embedded structs, one of them twice deep.
type Embedded struct {
	Item
	Inner
	Extra string `json:"extra"`
}

// Inner is embedded in Embedded and embeds Scalars2.
type Inner struct {
	Scalars2
	Note string
}

// newVisitor returns a visitor whose JSON is size bytes long (the
// 198-byte user for any size up to that), with recently viewed pages.
func newVisitor(size int) Visitor { return benchdata.NewVisitor(42, max(size, 198)) }

// check decodes data into a T with Decode and with jsonv2 and fails t if
// Decode decided differently from want, or decided and disagrees with
// jsonv2.
func jsonv2Unmarshal(data []byte, v any) error { return jsonv2.Unmarshal(data, v, Options) }

func check[T any](t *testing.T, data string, want bool) {
	t.Helper()
	d := For[T]()
	if d == nil {
		t.Fatalf("For[%T]() = nil", *new(T))
	}
	var fast, slow T
	got := d.Decode([]byte(data), &fast)
	err := jsonv2.Unmarshal([]byte(data), &slow, Options)
	if got != want {
		t.Fatalf("Decode(%q) = %v, want %v (jsonv2: %v)", data, got, want, err)
	}
	if !got {
		return
	}
	if err != nil {
		t.Fatalf("Decode(%q) decided, but jsonv2 refuses it: %v", data, err)
	}
	if diff := cmp.Diff(slow, fast, cmp.AllowUnexported(Scalars{})); diff != "" {
		t.Errorf("Decode(%q) differs from jsonv2 (-jsonv2 +Decode):\n%s", data, diff)
	}
}

// testCase is an input and whether Decode should decide it.
type testCase struct {
	name   string
	data   string
	decide bool
}

// run runs check for each case, into a T.
func run[T any](t *testing.T, cases []testCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check[T](t, c.data, c.decide) })
	}
}

// mustJSON is v in encoding/json's form, the form Seal writes.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
