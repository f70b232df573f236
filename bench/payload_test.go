package bench

import (
	"encoding/gob"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sessionless/sessionless/internal/benchdata"
)

// Visitor is the session data of the size sweeps (BenchmarkRequest,
// BenchmarkSealSize, BenchmarkOpenSize): the User of the other benchmarks
// plus what a site keeps about a visitor between requests, here the pages
// recently viewed. With no Recent it is the 198 bytes of User exactly.
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

func init() {
	// scs and gorilla/sessions keep values in a map of interfaces and
	// encode it with encoding/gob, which must know the concrete type.
	gob.Register(Visitor{})
}

// size is one session size of the sweeps: the name used in benchmark
// names and the length of the Visitor's JSON encoding.
type size struct {
	name  string
	bytes int
}

// sizes are the session sizes of issue 13. 200B is the User of the other
// benchmarks (198 bytes, internal/benchdata); the others are exact.
var sizes = []size{{"200B", 198}, {"1KB", 1 << 10}, {"3KB", 3 << 10}, {"8KB", 8 << 10}}

// maxVisitors bounds the visitor number: it is written with 4 digits so
// that every visitor's JSON is the same length.
const maxVisitors = 10000

// newVisitor returns visitor i (0 ≤ i < maxVisitors) whose JSON encoding is
// exactly n bytes long (n ≥ 198). Visitors differ in their id, name,
// e-mail, phone and history, so that no decoder can reuse one visitor's
// strings for another; their roles are the same two, as on a real site.
func newVisitor(i, n int) Visitor {
	if i < 0 || i >= maxVisitors {
		panic(fmt.Sprintf("bench: visitor %d out of range", i))
	}
	a := benchdata.Alice()
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
		if jsonLen(cand) > n {
			break
		}
		v = cand
	}
	if pad := n - jsonLen(v); pad > 0 && len(v.Recent) > 0 {
		last := &v.Recent[len(v.Recent)-1]
		last.Title += strings.Repeat("x", pad)
	}
	return v
}

// jsonLen returns the length of v's JSON encoding.
func jsonLen(v Visitor) int {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return len(b)
}
