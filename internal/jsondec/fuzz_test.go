package jsondec

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"
)

// fuzzTypes are the types FuzzDecode decodes into, picked by its second
// argument.
var fuzzTypes = []struct {
	typ     reflect.Type
	decide  func(t *testing.T, data []byte) // fails t if Decode and jsonv2 disagree
	decides func(data []byte) bool          // whether Decode decides
}{
	{reflect.TypeFor[Visitor](), agree[Visitor], decides[Visitor]},
	{reflect.TypeFor[Scalars](), agree[Scalars], decides[Scalars]},
	{reflect.TypeFor[Nested](), agree[Nested], decides[Nested]},
	{reflect.TypeFor[Embedded](), agree[Embedded], decides[Embedded]},
	{reflect.TypeFor[[]int8](), agree[[]int8], decides[[]int8]},
	{reflect.TypeFor[*string](), agree[*string], decides[*string]},
}

func decides[T any](data []byte) bool {
	var v T
	return For[T]().Decode(data, &v)
}

// FuzzDecode: whenever Decode decides, jsonv2 succeeds and decodes the
// same value; Decode never panics.
func FuzzDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for which, ft := range fuzzTypes {
		for range 8 {
			v := randomValue(r, ft.typ, 0)
			b, err := json.Marshal(v.Interface())
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, uint8(which))
		}
	}
	for _, tricky := range []string{
		` { "id" : 1 , "roles" : [ "a\u0000" , "\ud83d\ude00" ] } `,
		`{"recent":[{"id":1},{"id":2,"title":"\"]"}],"roles":[]}`,
		`{"m":[[1,2],[],null],"ss":[[{"id":1}]],"pv":[null,{"id":-0}]}`,
		`{"f32":3.4028235e38,"f64":-0.0,"u64":18446744073709551615,"i8":-128}`,
		`["\ud800",1,-1.0]`, `[127,-128,128]`, `"\u00e9\n\t\\\/"`, "\"\xff\"", `null`,
	} {
		for which := range fuzzTypes {
			f.Add([]byte(tricky), uint8(which))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		fuzzTypes[int(which)%len(fuzzTypes)].decide(t, data)
	})
}

// agree fails t if Decode decides data, into a T, and jsonv2 refuses it
// or decodes another value.
func agree[T any](t *testing.T, data []byte) {
	var fast, slow T
	if !For[T]().Decode(data, &fast) {
		return
	}
	if err := jsonv2.Unmarshal(data, &slow, Options); err != nil {
		t.Fatalf("Decode(%q) decided, but jsonv2 refuses it: %v", data, err)
	}
	if diff := cmp.Diff(slow, fast, cmp.AllowUnexported(Scalars{})); diff != "" {
		t.Fatalf("Decode(%q) differs from jsonv2 (-jsonv2 +Decode):\n%s", data, diff)
	}
}

// tricky are the pieces random strings are made of: what encoding/json
// escapes, multi-byte UTF-8, invalid UTF-8 and brackets.
var tricky = []string{"a", "Z", " ", "é", "€", "😀", "\u2028", "<", "&", "\"", "\\", "/", "\x00", "\x1f", "\x7f", "\ufffd", "\xff", "[", "}", ","}

// randomValue returns a random value of the type typ (one For accepts),
// small: slices of at most 4 elements, strings of at most 6 pieces.
func randomValue(r *rand.Rand, typ reflect.Type, depth int) reflect.Value {
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(r.Uint64()) >> (64 - typ.Bits()) >> r.IntN(typ.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> (64 - typ.Bits()) >> r.IntN(typ.Bits()))
	case reflect.Float32:
		v.SetFloat(float64(math.Float32frombits(r.Uint32()&^(0xff<<23) | uint32(r.IntN(0xff))<<23)))
	case reflect.Float64:
		v.SetFloat(math.Float64frombits(r.Uint64()&^(0x7ff<<52) | uint64(r.IntN(0x7ff))<<52))
	case reflect.String:
		var s string
		for range r.IntN(7) {
			s += tricky[r.IntN(len(tricky))]
		}
		v.SetString(s)
	case reflect.Pointer:
		if r.IntN(4) > 0 && depth < 8 {
			v.Set(randomValue(r, typ.Elem(), depth+1).Addr())
		}
	case reflect.Slice:
		if n := r.IntN(6) - 1; n >= 0 && depth < 8 {
			v.Set(reflect.MakeSlice(typ, n, n))
			for i := range n {
				v.Index(i).Set(randomValue(r, typ.Elem(), depth+1))
			}
		}
	case reflect.Struct:
		for i := range typ.NumField() {
			if f := v.Field(i); f.CanSet() && typ.Field(i).Tag.Get("json") != "-" {
				f.Set(randomValue(r, f.Type(), depth+1))
			}
		}
	}
	return v
}

// TestEncodingJSONDecides: what Seal writes, encoding/json's encoding of
// a value of a supported type, Decode always decides (else the fast path
// would rarely be taken), and as jsonv2 decodes it.
func TestEncodingJSONDecides(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, ft := range fuzzTypes {
		t.Run(ft.typ.String(), func(t *testing.T) {
			for range 200 {
				b, err := json.Marshal(randomValue(r, ft.typ, 0).Interface())
				if err != nil {
					t.Fatal(err)
				}
				ft.decide(t, b)
				if !ft.decides(b) {
					t.Fatalf("Decode(%s) did not decide", b)
				}
			}
		})
	}
}
