package token

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/sessionless/sessionless/internal/jsondec"
)

// ErrData is wrapped by the error of [Codec.Seal] for data that Open would
// refuse or not give back: nested deeper than [MaxDataDepth] levels, JSON
// that the data decoder does not read back into the payload type (a
// time.Duration, a `json:",string"` bool, a MarshalJSON whose output
// UnmarshalJSON refuses), or a string that is not valid UTF-8 (which
// encoding/json replaces with U+FFFD, so Open would return another string).
// Nothing is sealed.
var ErrData = errors.New("token: data that Open would refuse")

// ErrTooLong is wrapped by the error of [Codec.Seal] when the token would
// be longer than the codec's MaxLength. Nothing is sealed.
var ErrTooLong = errors.New("token: too long")

// tooLongError is the error of a Seal whose token would be n bytes, more
// than max. It matches ErrTooLong.
type tooLongError struct{ n, max int }

func (e *tooLongError) Error() string {
	return fmt.Sprintf("token: the token would be %d bytes, more than the maximum of %d", e.n, e.max)
}
func (e *tooLongError) Is(target error) bool { return target == ErrTooLong }

// MaxDataDepth is how deeply the data may nest arrays and objects. Every
// version of Open before issue 13 refuses a token whose data nests deeper
// (its claims parser scanned the data), so Seal refuses to seal one, and
// servers of both versions open every token either seals.
const MaxDataDepth = maxDepth

// dataCheck is what Seal checks of the encoded data of a payload type, so
// that what Seal accepts, Open opens.
type dataCheck uint8

const (
	// checkNone: every value of the type encodes to JSON that nests at
	// most MaxDataDepth levels and that the decoder reads back.
	checkNone dataCheck = iota
	// checkAll: the depth is scanned and the data decoded once more on
	// every Seal (interfaces, json.RawMessage, custom marshalers, deep or
	// recursive types).
	checkAll
)

// checkFor works out, once per codec, what Seal must check for payloads of
// type t.
func checkFor(t reflect.Type) dataCheck {
	if plainType(t, 0, map[reflect.Type]bool{}) {
		return checkNone
	}
	return checkAll
}

var (
	typeTime     = reflect.TypeFor[time.Time]()
	typeDuration = reflect.TypeFor[time.Duration]()
)

// plainType reports whether every value of t, at nesting depth, encodes
// with encoding/json to JSON nested at most MaxDataDepth levels that
// go-json-experiment/json decodes back into t with the same value. It
// answers false whenever in doubt: Seal then checks each value.
func plainType(t reflect.Type, depth int, visiting map[reflect.Type]bool) bool {
	if t == typeTime {
		return true // a string, in RFC 3339 for both
	}
	if t == typeDuration || hasMarshaler(t) || visiting[t] {
		return false // no default form in the decoder; custom; recursive
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	case reflect.Pointer:
		return plainType(t.Elem(), depth, visiting)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !hasMarshaler(t.Elem()) {
			return true // base64 in both
		}
		return depth < MaxDataDepth && plainType(t.Elem(), depth+1, visiting)
	case reflect.Array:
		// [N]byte is an array of numbers to encoding/json, base64 to the
		// decoder.
		return t.Elem().Kind() != reflect.Uint8 && depth < MaxDataDepth && plainType(t.Elem(), depth+1, visiting)
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		default:
			return false
		}
		return !hasMarshaler(t.Key()) && depth < MaxDataDepth && plainType(t.Elem(), depth+1, visiting)
	case reflect.Struct:
		return depth < MaxDataDepth && plainStruct(t, depth+1, visiting)
	}
	return false // interfaces, and what encoding/json refuses anyway
}

// plainStruct is plainType for the fields of a struct at depth. Embedded
// structs without a tag are inlined by both JSON packages; embedded
// pointers, options other than omitempty and repeated names are left to
// Seal's check: the two packages differ on them.
func plainStruct(t reflect.Type, depth int, visiting map[reflect.Type]bool) bool {
	return plainFields(t, depth, visiting, map[string]bool{})
}

// plainFields adds the JSON names of t's fields, inlined ones included, to
// names, and reports whether every field is plain and no name repeats.
func plainFields(t reflect.Type, depth int, visiting map[reflect.Type]bool, names map[string]bool) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" && opts != "omitempty" || strings.HasPrefix(name, "'") {
			return false
		}
		if f.Anonymous && name == "" {
			if f.Type.Kind() != reflect.Struct || hasMarshaler(f.Type) || visiting[f.Type] {
				return false
			}
			visiting[f.Type] = true
			ok := plainFields(f.Type, depth, visiting, names)
			delete(visiting, f.Type)
			if !ok {
				return false
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if names[name] || !plainType(f.Type, depth, visiting) {
			return false
		}
		names[name] = true
	}
	return true
}

// hasMarshaler reports whether t chooses its own JSON form by a method.
func hasMarshaler(t reflect.Type) bool { return jsondec.CustomJSON(t) }

// checkData checks the encoded data of a payload of type T as Open will:
// its nesting depth, then that it decodes.
func checkData[T any](data []byte) error {
	p := parser{b: data}
	if v := p.value(); v == nil || !p.end() {
		return fmt.Errorf("%w: nested deeper than %d levels", ErrData, MaxDataDepth)
	}
	var v T
	if err := jsonv2.Unmarshal(data, &v, decodeOptions); err != nil {
		return fmt.Errorf("%w: it does not decode back: %v", ErrData, err)
	}
	return nil
}

// lossyUTF8 reports whether the encoded data js holds the escape \ufffd:
// encoding/json writes it, and only it, for a byte of a string that is not
// valid UTF-8 (a valid U+FFFD it writes as is), so the string Open gives
// back would differ from the one sealed. A backslash escaped by another
// ("\\ufffd", the text of a string that says so) is not an escape.
func lossyUTF8(js []byte) bool {
	esc := []byte(`\ufffd`)
	for i := 0; ; {
		j := bytes.Index(js[i:], esc)
		if j < 0 {
			return false
		}
		j += i
		n := 0 // backslashes before the one found
		for k := j - 1; k >= 0 && js[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		i = j + len(esc)
	}
}
