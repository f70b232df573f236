package jsondec

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestVisitor(t *testing.T) {
	canonical := mustJSON(newVisitor(8 << 10))
	run[Visitor](t, []testCase{
		{"200B", mustJSON(newVisitor(0)), true},
		{"8KB", canonical, true},
		{"spaces", " \t\r\n{ \"id\" : 1 , \"roles\" : [ \"a\" , \"b\" ] , \"recent\" : [ { \"id\" : 2 } , { } ] } \n", true},
		{"any order", `{"recent":[{"path":"/","title":"t","id":3}],"roles":["r"],"phone":"p","email":"e","name":"n","id":4}`, true},
		{"empty object", `{}`, true},
		{"nulls", `{"id":null,"name":null,"roles":null,"recent":[null,{"id":null}]}`, true},
		{"empty slices", `{"roles":[],"recent":[ ]}`, true},
		{"top-level null", `null`, true},
		{"unknown member", `{"id":1,"nick":"x"}`, false},
		{"repeated member", `{"id":1,"id":2}`, false},
		{"escaped name", `{"\u0069d":1}`, false},
		{"other case", `{"ID":1}`, false},
		{"name with a control byte", "{\"i\x01d\":1}", false},
		{"trailing comma in object", `{"id":1,}`, false},
		{"trailing comma in array", `{"roles":["a",]}`, false},
		{"empty element", `{"roles":["a",,"b"]}`, false},
		{"leading comma", `{"roles":[,"a"]}`, false},
		{"missing comma", `{"roles":["a" "b"]}`, false},
		{"missing colon", `{"id" 1}`, false},
		{"comma only", `{,}`, false},
		{"unterminated object", `{"id":1`, false},
		{"unterminated array", `{"roles":["a"`, false},
		{"unterminated string", `{"name":"abc`, false},
		{"array closed by brace", `{"roles":["a"}}`, false},
		{"object into slice", `{"roles":{}}`, false},
		{"array into struct", `[]`, false},
		{"string into int", `{"id":"1"}`, false},
		{"number into string", `{"name":1}`, false},
		{"bool into string", `{"name":true}`, false},
		{"two values", `{} {}`, false},
		{"trailing garbage", `{}x`, false},
		{"empty input", ``, false},
		{"space only", ` `, false},
		{"truncated null", `nul`, false},
		{"null with more", `nullx`, false},
		{"bracket in string", `{"roles":["]","[",",","\"]"]}`, true},
		{"backslashes before quote", `{"roles":["\\","\\\\\"]"]}`, true},
	})
	if !strings.Contains(canonical, `"recent":[`) {
		t.Fatalf("the 8 KB visitor has no recent pages: %s", canonical)
	}
}

func TestStrings(t *testing.T) {
	run[string](t, []testCase{
		{"plain", `"hello"`, true},
		{"empty", `""`, true},
		{"short escapes", `"\" \\ \/ \b \f \n \r \t"`, true},
		{"unicode escapes", `"\u0000\u001f\u00e9\u20AC\uFFFF\u003c"`, true},
		{"surrogate pair", `"\ud83d\ude00 \uD834\uDD1E"`, true},
		{"utf-8", `"héllo wörld 😀 €"`, true},
		{"replacement char", "\"\xef\xbf\xbd\"", true},
		{"escape then utf-8", `"\n😀é"`, true},
		{"del byte", "\"\x7f\"", true},
		{"lone high surrogate", `"\ud800"`, false},
		{"lone low surrogate", `"\udc00"`, false},
		{"high then letter", `"\ud800\u0041"`, false},
		{"high then high", `"\ud800\ud800"`, false},
		{"high then text", `"\ud800x"`, false},
		{"invalid utf-8", "\"\xff\"", false},
		{"invalid utf-8 after escape", "\"\\n\xff\"", false},
		{"encoded surrogate", "\"\xed\xa0\x80\"", false},
		{"truncated rune", "\"\xe2\x82\"", false},
		{"control byte", "\"a\x01b\"", false},
		{"control byte after escape", "\"\\na\x1fb\"", false},
		{"raw newline", "\"a\nb\"", false},
		{"bad escape", `"\x"`, false},
		{"short unicode escape", `"\u12"`, false},
		{"bad hex", `"\u12g4"`, false},
		{"escape at end", `"\`, false},
		{"unterminated after escape", `"\n`, false},
		{"unquoted", `hello`, false},
	})
}

func TestIntegers(t *testing.T) {
	t.Run("int8", func(t *testing.T) {
		run[int8](t, []testCase{
			{"max", `127`, true}, {"min", `-128`, true}, {"zero", `0`, true}, {"minus zero", `-0`, true},
			{"over", `128`, false}, {"under", `-129`, false},
		})
	})
	t.Run("int16", func(t *testing.T) {
		run[int16](t, []testCase{{"max", `32767`, true}, {"min", `-32768`, true}, {"over", `32768`, false}, {"under", `-32769`, false}})
	})
	t.Run("int32", func(t *testing.T) {
		run[int32](t, []testCase{{"max", `2147483647`, true}, {"min", `-2147483648`, true}, {"over", `2147483648`, false}})
	})
	t.Run("int64", func(t *testing.T) {
		run[int64](t, []testCase{
			{"max", `9223372036854775807`, true}, {"min", `-9223372036854775808`, true},
			{"over", `9223372036854775808`, false}, {"under", `-9223372036854775809`, false},
			{"beyond uint64", `184467440737095516160`, false},
			{"fraction", `1.0`, false}, {"exponent", `1e2`, false}, {"leading zero", `01`, false},
			{"plus", `+1`, false}, {"dot", `1.`, false}, {"leading dot", `.5`, false}, {"minus only", `-`, false},
			{"hex", `0x10`, false}, {"string", `"1"`, false}, {"bool", `true`, false}, {"null", `null`, true},
		})
	})
	t.Run("int", func(t *testing.T) {
		run[int](t, []testCase{{"one", `1`, true}, {"minus", `-42`, true}, {"spaces", " 7 ", true}})
	})
	t.Run("uint8", func(t *testing.T) {
		run[uint8](t, []testCase{{"max", `255`, true}, {"over", `256`, false}, {"minus zero", `-0`, false}, {"minus", `-1`, false}})
	})
	t.Run("uint16", func(t *testing.T) {
		run[uint16](t, []testCase{{"max", `65535`, true}, {"over", `65536`, false}})
	})
	t.Run("uint32", func(t *testing.T) {
		run[uint32](t, []testCase{{"max", `4294967295`, true}, {"over", `4294967296`, false}})
	})
	t.Run("uint64", func(t *testing.T) {
		run[uint64](t, []testCase{
			{"max", `18446744073709551615`, true}, {"over", `18446744073709551616`, false},
			{"far over", `99999999999999999999`, false}, {"fraction", `1.5`, false},
		})
	})
	t.Run("uint", func(t *testing.T) {
		run[uint](t, []testCase{{"zero", `0`, true}, {"big", `4000000000`, true}})
	})
	// Members take a word-at-a-time path for up to 7 digits (shortInteger).
	t.Run("members", func(t *testing.T) {
		run[Scalars](t, []testCase{
			{"seven digits", `{"i64":1234567,"i32":7}`, true}, {"eight digits", `{"i64":12345678,"i32":7}`, true},
			{"fraction", `{"i64":1234567.5,"i32":7}`, false}, {"exponent", `{"i64":1234567e1}`, false},
			{"capital exponent", `{"i64":12E1}`, false}, {"dot at the end", `{"i64":123.}`, false},
			{"int8 max", `{"i8":127,"i32":7}`, true}, {"int8 over", `{"i8":128,"i32":7}`, false},
			{"int16 over", `{"i16":32768,"i32":7}`, false}, {"minus", `{"i8":-128,"i32":7}`, true},
			{"space after", `{"i64":12 ,"i32":7}`, true}, {"end of input", `{"i32":1}`, true},
		})
	})
}

func TestFloats(t *testing.T) {
	t.Run("float64", func(t *testing.T) {
		run[float64](t, []testCase{
			{"integer", `42`, true}, {"fraction", `-1.5`, true}, {"exponent", `6.02214076E+23`, true},
			{"negative exponent", `1e-7`, true}, {"max", `1.7976931348623157e308`, true},
			{"smallest", `5e-324`, true}, {"underflow", `1e-400`, true}, {"minus zero", `-0`, true},
			{"minus zero fraction", `-0.0e0`, true}, {"long", `3.14159265358979323846264338327950288`, true},
			{"overflow", `1e309`, false}, {"negative overflow", `-1e400`, false},
			{"no exponent digits", `1e`, false}, {"no fraction digits", `1.e5`, false}, {"nan", `NaN`, false},
			{"infinity", `Infinity`, false}, {"string", `"1"`, false},
		})
	})
	t.Run("float32", func(t *testing.T) {
		run[float32](t, []testCase{
			{"max", `3.4028234663852886e38`, true}, {"rounded", `0.1`, true},
			{"overflow", `3.5e38`, false}, {"null", `null`, true},
		})
	})
}

func TestBools(t *testing.T) {
	run[bool](t, []testCase{
		{"true", `true`, true}, {"false", `false`, true}, {"null", `null`, true},
		{"truncated", `tru`, false}, {"capital", `True`, false}, {"number", `1`, false}, {"string", `"true"`, false},
	})
}

func TestScalars(t *testing.T) {
	all := `{"b":true,"i":-1,"i8":-8,"i16":-16,"i32":-32,"i64":-64,"u":1,"u8":8,"u16":16,"u32":32,"u64":64,` +
		`"f32":3.5,"f64":-6.25,"s":"s","l":"label","C":7,"pi":5,"pps":"x","ps":{"n":[1,2,3]},"a-b.c d":10}`
	run[Scalars](t, []testCase{
		{"every field", all, true},
		{"encoding/json", mustJSON(Scalars{B: true, I64: 1 << 60, S: "<&>", L: "\u2028", F64: 1e-9}), true},
		{"null pointers", `{"pi":null,"pps":null,"ps":null}`, true},
		{"pointer to null", `{"pps":null}`, true},
		{"pointer to empty", `{"ps":{}}`, true},
		{"ignored field", `{"Skip":{}}`, false},
		{"blank field", `{"_":1}`, false},
		{"bad pointer value", `{"pi":"x"}`, false},
	})
}

func TestNested(t *testing.T) {
	run[Nested](t, []testCase{
		{"matrix", `{"m":[[1,2],[],[3],null]}`, true},
		{"pointers", `{"ps":["a",null,"b"]}`, true},
		{"structs", `{"ss":[[{"id":1,"title":"t","path":"p"}],[]]}`, true},
		{"scalars", `{"f":[1.5,-2e3],"b":[true,false,null],"u":[0,65535]}`, true},
		{"pointer to slice", `{"pv":[{"id":1,"roles":["a"]},null]}`, true},
		{"empty structs", `{"e":[{},{}]}`, true},
		{"deep", `{"l":[[["a","b"],[]],[[""]]]}`, true},
		{"names of 7 and 8 bytes", `{"seven_7":7,"eight__8":8}`, true},
		{"names in another order", `{"eight__8":8,"seven_7":7,"f":[]}`, true},
		{"names at the end of the input", `{"f":null,"m":[]}`, true},
		{"longer name", `{"seven_77":7}`, false},
		{"shorter name", `{"seven_":7}`, false},
		{"longer 8-byte name", `{"eight__88":8}`, false},
		{"prefix of a name", `{"eight__":8}`, false},
		{"name cut off", `{"seven_7`, false},
		{"uint out of range", `{"u":[65536]}`, false},
		{"short row", `{"m":[[1,],[2]]}`, false},
		{"unbalanced", `{"m":[[1]]]}`, false},
		{"bracket mismatch", `{"m":[[1}]}`, false},
		{"deep unterminated", `{"l":[[["a"`, false},
	})
}

func TestEmbedded(t *testing.T) {
	run[Embedded](t, []testCase{
		{"every field", `{"id":1,"title":"t","path":"p","n":[1,2],"Note":"x","extra":"e"}`, true},
		{"encoding/json", mustJSON(Embedded{Item: Item{ID: 3, Title: "<t>"}, Inner: Inner{Scalars2{N: []int{4}}, "n"}, Extra: "e"}), true},
		{"embedded name", `{"Item":{"id":1}}`, false},
		{"unknown", `{"x":1}`, false},
	})
}

// TestLongArrays: arrays longer than countLimit decode through the
// scratch slices, which grow, are reused and must come back zero.
func TestLongArrays(t *testing.T) {
	many := func(elem string, n int) string { return "[" + strings.Repeat(elem+",", n-1) + elem + "]" }
	items := many(`{"id":1,"title":"a title","path":"/a/path"}`, 100)
	ids := many(`{"id":2}`, 100)
	cases := []testCase{
		{"roles", `{"roles":` + many(`"account-member"`, 100) + `}`, true},
		{"items", `{"recent":` + items + `}`, true},
		{"items again, fewer fields", `{"recent":` + ids + `}`, true},
		{"nulls", `{"recent":` + many(`null`, 300) + `}`, true},
		{"spaces", `{"roles":[` + strings.Repeat(" ", 300) + `]}`, true},
		{"spaces between", `{"roles":[` + strings.Repeat(` "a" , `, 60) + `"b"]}`, true},
		{"trailing comma", `{"roles":` + strings.TrimSuffix(many(`"r"`, 100), "]") + `,]}`, false},
		{"missing comma", `{"roles":["r" ` + many(`"r"`, 100)[1:] + `}`, false},
		{"bad element", `{"recent":` + strings.Replace(items, `"id":1,`, `"id":1.5,`, 1) + `}`, false},
		{"unterminated", `{"roles":` + strings.TrimSuffix(many(`"r"`, 100), "]"), false},
		{"items after a failure", `{"recent":` + items + `}`, true},
		{"ids after a failure", `{"recent":` + ids + `}`, true},
	}
	run[Visitor](t, cases)
	run[Nested](t, []testCase{
		{"long rows", `{"m":` + many(many("1", 100), 3) + `,"l":[[` + many(`"x"`, 100) + `]]}`, true},
		{"many short rows", `{"m":` + many("[1,2]", 200) + `}`, true},
		{"long pointers", `{"ps":` + many(`"s"`, 100) + `,"pv":` + many(`{"roles":["a"]}`, 30) + `}`, true},
		{"long empty structs", `{"e":` + many(`{}`, 200) + `}`, true},
	})
}

// TestConcurrent: one Decoder serves goroutines at once (the scratch
// slices of long arrays are per call); run it with -race.
func TestConcurrent(t *testing.T) {
	d := For[Visitor]()
	inputs := []string{mustJSON(newVisitor(8 << 10)), mustJSON(newVisitor(3 << 10)), mustJSON(newVisitor(0))}
	want := make([]Visitor, len(inputs))
	for i, in := range inputs {
		if err := jsonv2Unmarshal([]byte(in), &want[i]); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			for k := range 30 {
				i := (g + k) % len(inputs)
				var v Visitor
				if !d.Decode([]byte(inputs[i]), &v) {
					errs <- "Decode did not decide"
					return
				}
				if diff := cmp.Diff(want[i], v); diff != "" {
					errs <- diff
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestAliasing: a string without escapes points into the input.
func TestAliasing(t *testing.T) {
	data := []byte(mustJSON(newVisitor(1 << 10)))
	var v Visitor
	if !For[Visitor]().Decode(data, &v) {
		t.Fatal("Decode did not decide")
	}
	strs := []string{v.Name, v.Email, v.Phone, v.Roles[0], v.Recent[0].Title, v.Recent[len(v.Recent)-1].Path}
	for _, s := range strs {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
		if p < start || p+uintptr(len(s)) > start+uintptr(len(data)) {
			t.Errorf("%q does not alias the input", s)
		}
	}
}
