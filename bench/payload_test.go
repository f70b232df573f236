package bench

import (
	"encoding/gob"

	"github.com/sessionless/sessionless/internal/benchdata"
)

// Visitor and Item are the session data of the size sweeps
// (BenchmarkRequest, BenchmarkSealSize, BenchmarkOpenSize), shared with
// internal/jsondec's tests.
type (
	Visitor = benchdata.Visitor
	Item    = benchdata.Item
)

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

// newVisitor returns visitor i whose JSON encoding is exactly n bytes
// long (benchdata.NewVisitor).
func newVisitor(i, n int) Visitor { return benchdata.NewVisitor(i, n) }

// jsonLen returns the length of v's JSON encoding.
func jsonLen(v Visitor) int { return benchdata.JSONLen(v) }
