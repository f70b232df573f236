package benchdata

import (
	"encoding/json"
	"testing"
)

// TestSize: the figures of BENCHMARKS.md are for 198 bytes of JSON.
func TestSize(t *testing.T) {
	b, err := json.Marshal(Alice())
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 198 {
		t.Errorf("the payload is %d bytes of JSON; want 198 (BENCHMARKS.md): %s", len(b), b)
	}
}
