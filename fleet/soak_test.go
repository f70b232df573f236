//go:build linux

package fleet

import (
	"flag"
	"runtime"
	"testing"
	"time"

	"github.com/sessionless/sessionless/internal/benchdata"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

var (
	soak       = flag.Bool("soak", false, "TestSoak's long form: seal and open -soak.cycles tokens and watch the heap")
	soakCycles = flag.Int("soak.cycles", 10_000_000, "TestSoak -soak: seal/open cycles")
)

// TestSoak's short form, without -soak: a few seconds under -race.
const (
	shortSoakCycles = 30_000
	shortSoakEvery  = 5_000
)

// User is the payload of every benchmark and load test: 198 bytes of JSON.
type User = benchdata.User

var alice = benchdata.Alice()

// heapSample is the heap after a full collection.
type heapSample struct {
	Cycles    int     `json:"cycles"`
	Seconds   float64 `json:"seconds"`
	HeapInuse uint64  `json:"heap_inuse"`
	HeapAlloc uint64  `json:"heap_alloc"`
	NumGC     uint32  `json:"num_gc"`
}

func sampleHeap(cycles int, start time.Time) heapSample {
	// Twice: sync.Pool keeps a victim cache across one collection.
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return heapSample{Cycles: cycles, Seconds: float64(int(time.Since(start).Seconds()*10)) / 10, HeapInuse: m.HeapInuse, HeapAlloc: m.HeapAlloc, NumGC: m.NumGC}
}

// soakNoise is the heap growth tolerated: a few pooled buffers and the
// runtime's own bookkeeping, far below what a leak of even a byte per
// cycle would show over a million cycles.
const soakNoise = 1 << 20

// TestSoak seals and opens -soak.cycles tokens (10 million by default)
// with one token.Codec, one goroutine, and the 198-byte payload, and
// samples the heap after a collection at the start, every million cycles
// and at the end: it must not grow beyond noise. Run it without -race:
//
//	go test -run TestSoak -soak -v -timeout 30m ./fleet/
//
// Without -soak (so in CI) it runs the same checks on 30 000 cycles,
// sampled every 5 000: over the 20 000 after warm-up, soakNoise lets
// through a leak of up to about 50 bytes a cycle, which the long form
// would catch.
func TestSoak(t *testing.T) {
	cycles, every := *soakCycles, 1_000_000
	if !*soak {
		cycles, every = shortSoakCycles, shortSoakEvery
	}
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := token.New[User](ring, token.Config{Purpose: "auth"})
	if err != nil {
		t.Fatal(err)
	}
	p := token.Params{IssuedAt: now, Expiry: now.Add(30 * time.Minute), AuthTime: now}
	cycle := func() {
		raw, err := c.Seal(p, alice)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.Open(raw, now)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Data.Email != alice.Email || len(tok.Data.Roles) != 2 {
			t.Fatalf("Open = %+v; want %+v", tok.Data, alice)
		}
	}

	start := time.Now()
	samples := []heapSample{sampleHeap(0, start)}
	// Warm up: the pools, the derived keys, the first GC cycles.
	const warm = 10_000
	for range warm {
		cycle()
	}
	samples = append(samples, sampleHeap(warm, start))
	for i := warm; i < cycles; {
		next := min((i/every+1)*every, cycles)
		for ; i < next; i++ {
			cycle()
		}
		s := sampleHeap(i, start)
		samples = append(samples, s)
		t.Logf("%9d cycles %6.1f s: HeapInuse %7d KiB, HeapAlloc %7d KiB, %d GCs", s.Cycles, s.Seconds, s.HeapInuse>>10, s.HeapAlloc>>10, s.NumGC)
	}
	elapsed := time.Since(start)
	base, last := samples[1], samples[len(samples)-1]
	t.Logf("%d cycles in %v (%.2f µs per seal+open); heap after warm-up: HeapInuse %d KiB, HeapAlloc %d KiB; at the end: %d KiB, %d KiB",
		cycles, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(cycles), base.HeapInuse>>10, base.HeapAlloc>>10, last.HeapInuse>>10, last.HeapAlloc>>10)
	writeJSON(t, "summary.json", struct {
		Machine machine      `json:"machine"`
		Cycles  int          `json:"cycles"`
		Seconds float64      `json:"seconds"`
		Samples []heapSample `json:"samples"`
	}{describeMachine(), cycles, elapsed.Seconds(), samples})
	for _, s := range samples[2:] {
		if s.HeapInuse > base.HeapInuse+soakNoise || s.HeapAlloc > base.HeapAlloc+soakNoise {
			t.Errorf("after %d cycles: HeapInuse %d, HeapAlloc %d; after warm-up %d, %d: grew more than %d bytes", s.Cycles, s.HeapInuse, s.HeapAlloc, base.HeapInuse, base.HeapAlloc, soakNoise)
		}
	}
}
