// Package benchdata is the payload that the comparison benchmarks (bench/)
// and the soak and load tests (fleet/) seal, so that their figures are
// about the same work: a user id, a name, an e-mail address, a phone
// number and two roles, 198 bytes of JSON. The package benchmarks use
// their packages' own test payloads.
package benchdata

// User is the payload type.
type User struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Phone string   `json:"phone"`
	Roles []string `json:"roles"`
}

// Alice returns the payload: a new value each call, so that no caller can
// change another's.
func Alice() User {
	return User{
		ID:    4815162342,
		Name:  "Alice Pleasance Liddell-Hargreaves",
		Email: "alice.liddell-hargreaves@mail.wonderland.example.org",
		Phone: "+44 (0)20 7946 0958",
		Roles: []string{"account-member", "content-editor"},
	}
}
