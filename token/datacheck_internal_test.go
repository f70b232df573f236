package token

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type plainUser struct {
	ID    int64             `json:"id"`
	Name  string            `json:"name,omitempty"`
	Roles []string          `json:"roles"`
	Seen  time.Time         `json:"seen"`
	Prefs map[string]string `json:"prefs"`
	Raw   []byte            `json:"raw"`
	Next  *plainUser        `json:"-"`
}

type embedding struct {
	plainUser
	Notes []string `json:"notes"`
}

type clashing struct {
	plainUser
	ID string `json:"id"`
}

type recursive struct {
	Kids []recursive `json:"kids"`
}

// TestCheckFor: Seal checks each value only of the payload types whose
// encoding the type cannot vouch for.
func TestCheckFor(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want dataCheck
	}{
		{"int", reflect.TypeFor[int64](), checkNone},
		{"struct", reflect.TypeFor[plainUser](), checkNone},
		{"pointer to struct", reflect.TypeFor[*plainUser](), checkNone},
		{"embedded struct", reflect.TypeFor[embedding](), checkNone},
		{"embedded struct, clashing name", reflect.TypeFor[clashing](), checkAll},
		{"recursive", reflect.TypeFor[recursive](), checkAll},
		{"any", reflect.TypeFor[any](), checkAll},
		{"map of any", reflect.TypeFor[map[string]any](), checkAll},
		{"raw JSON", reflect.TypeFor[json.RawMessage](), checkAll},
		{"duration", reflect.TypeFor[struct{ D time.Duration }](), checkAll},
		{"byte array", reflect.TypeFor[[16]byte](), checkAll},
		{"quoted number", reflect.TypeFor[struct {
			N int `json:"n,string"`
		}](), checkAll},
		{"64 levels", reflect.TypeFor[[][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][]int](), checkNone},
		{"65 levels", reflect.TypeFor[[][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][]int](), checkAll},
	}
	for _, tt := range tests {
		if got := checkFor(tt.typ); got != tt.want {
			t.Errorf("checkFor(%s) = %d; want %d", tt.name, got, tt.want)
		}
	}
}
