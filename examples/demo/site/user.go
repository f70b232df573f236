package site

// User is the payload sealed in both tokens: enough to greet the visitor
// and to find the account again. The short JSON names keep the cookies
// small.
//
// It lives alone in this file: the fleet test (fleet/) builds the demo
// with this file replaced (go build -overlay) by a User that has gained a
// field and by one that has lost one, to show that a rolling deploy which
// changes the payload logs nobody out.
type User struct {
	Username string `json:"u"`
	Name     string `json:"n"`
	Email    string `json:"e"`
}
