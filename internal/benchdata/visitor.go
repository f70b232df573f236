package benchdata

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Visitor is the session data of the per-request and per-size benchmarks
// (bench/) and of internal/jsondec's tests: the User plus what a site
// keeps about a visitor between requests, here the pages recently viewed.
// With no Recent it is the 198 bytes of the User exactly.
type Visitor struct {
	ID     int64    `json:"id"`
	Name   string   `json:"name"`
	Email  string   `json:"email"`
	Phone  string   `json:"phone"`
	Roles  []string `json:"roles"`
	Recent []Item   `json:"recent,omitempty"`
}

// Item is one page a visitor viewed.
type Item struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Path  string `json:"path"`
}

// MaxVisitors bounds the visitor number of NewVisitor: it is written with
// 4 digits so that every visitor's JSON is the same length.
const MaxVisitors = 10000

// NewVisitor returns visitor i (0 ≤ i < MaxVisitors) whose JSON encoding
// is exactly n bytes long (n ≥ 198). Visitors differ in their id, name,
// e-mail, phone and history, so that no decoder can reuse one visitor's
// strings for another; their roles are the same two, as on a real site.
func NewVisitor(i, n int) Visitor {
	if i < 0 || i >= MaxVisitors {
		panic(fmt.Sprintf("benchdata: visitor %d out of range", i))
	}
	a := Alice()
	num := fmt.Sprintf("%04d", i)
	v := Visitor{
		ID:    a.ID + int64(i),
		Name:  a.Name[:len(a.Name)-4] + num,
		Email: a.Email[:20] + num + a.Email[24:],
		Phone: a.Phone[:len(a.Phone)-4] + num,
		Roles: a.Roles,
	}
	for j := 0; ; j++ {
		next := append(v.Recent[:len(v.Recent):len(v.Recent)], Item{
			ID:    1_000_000 + int64(j)*10_000 + int64(i),
			Title: fmt.Sprintf("Page %03d seen by visitor %s", j, num),
			Path:  fmt.Sprintf("/shop/items/%03d-%s", j, num),
		})
		cand := v
		cand.Recent = next
		if JSONLen(cand) > n {
			break
		}
		v = cand
	}
	if pad := n - JSONLen(v); pad > 0 && len(v.Recent) > 0 {
		last := &v.Recent[len(v.Recent)-1]
		last.Title += strings.Repeat("x", pad)
	}
	return v
}

// JSONLen returns the length of v's JSON encoding.
func JSONLen(v Visitor) int {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return len(b)
}
