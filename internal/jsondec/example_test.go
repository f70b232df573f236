package jsondec_test

import (
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sessionless/sessionless/internal/jsondec"
)

// Session is an application's session data.
type Session struct {
	User  string   `json:"user"`
	Roles []string `json:"roles,omitempty"`
}

// sessions is built once: For reflects over the type.
var sessions = jsondec.For[Session]()

// decode decodes data with the fast path, and with jsonv2 when the fast
// path does not decide. data must not change afterwards: the strings of
// the result may point into it.
func decode(data []byte) (Session, error) {
	var s Session
	if sessions != nil && sessions.Decode(data, &s) {
		return s, nil
	}
	s = Session{} // Decode may have filled some of it
	err := jsonv2.Unmarshal(data, &s, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	return s, err
}

func Example() {
	for _, data := range []string{
		`{"user":"alice","roles":["admin"]}`, // decided by the fast path
		`{"user":"bob","user":"carol"}`,      // not: a repeated name
	} {
		s, err := decode([]byte(data))
		fmt.Printf("%+v %v\n", s, err)
	}
	// Output:
	// {User:alice Roles:[admin]} <nil>
	// {User:carol Roles:[]} <nil>
}
