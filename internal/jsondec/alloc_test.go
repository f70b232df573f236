//go:build !race

// The race detector changes allocation counts, so this file is left out
// of -race builds rather than skipping there (a skipped test fails CI):
// .ci/run runs the tests named Alloc in a step of their own without -race.

package jsondec

import (
	"runtime"
	"testing"
)

// TestAllocations holds Decode to one allocation per slice and none per
// string without escapes, whose value aliases the input.
func TestAllocations(t *testing.T) {
	d := For[Visitor]()
	for _, c := range []struct {
		name   string
		data   string
		allocs float64 // the slices: roles, and recent if any
	}{
		{"200B", mustJSON(newVisitor(0)), 1},
		{"8KB", mustJSON(newVisitor(8 << 10)), 2},
		{"escaped string", `{"name":"line\nbreak"}`, 1},
		{"no slices", `{"id":1,"name":"n","email":"e","phone":"p"}`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.data)
			v := new(Visitor)
			got := testing.AllocsPerRun(100, func() {
				*v = Visitor{}
				if !d.Decode(data, v) {
					t.Fatalf("Decode(%s) did not decide", data)
				}
			})
			if got != c.allocs {
				t.Errorf("Decode allocates %v times, want %v", got, c.allocs)
			}
		})
	}
}

// TestScratchAfterGC: once a long array has been decoded, a new scratch
// slice (made after the GC empties the pool) starts at its length and
// does not grow again.
func TestScratchAfterGC(t *testing.T) {
	d := For[Visitor]()
	data := []byte(mustJSON(newVisitor(8 << 10)))
	decode := func() {
		var v Visitor
		if !d.Decode(data, &v) {
			t.Fatalf("Decode did not decide")
		}
	}
	decode()
	got := testing.AllocsPerRun(10, func() {
		runtime.GC() // twice: the pool's victim cache survives one
		runtime.GC()
		decode()
	})
	// The result's two slices; a new scratch: its slice, the slice value
	// reflect.New makes and the scratch itself; the pool's per-P storage
	// and queue, made again after the GC. A scratch that started small
	// would grow three times more (16, 32, 64 to 128 elements).
	if got != 7 {
		t.Errorf("Decode after the GC emptied the pool allocates %v times, want 7", got)
	}
}
