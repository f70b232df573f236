//go:build !race

// The race detector changes allocation counts, so this file is left out
// of -race builds (CI runs this module's tests without -race).

package bench

import (
	"net/http"
	"testing"
)

// maxAllocsAdded is issue 13's bound on the allocations sessionless adds
// to a request at 200B, over the bare page.
const maxAllocsAdded = 6

// TestRequestAllocations holds that bound, for one visitor (the codec's
// cache answers) and for 4 096 in turn (every request a whole Open): exact
// counts, measured the way BenchmarkRequest serves its requests.
func TestRequestAllocations(t *testing.T) {
	f := newFixture(t)
	for _, vk := range visitorKinds {
		perImpl := map[string]float64{}
		for _, im := range servers[:2] { // bare, sessionless
			srv := im.new(t, f)
			reqs, err := loginAll(srv, sizes[0].bytes, vk.n)
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			perImpl[im.name] = testing.AllocsPerRun(max(len(reqs), 100), func() {
				if w := serve(srv.handler, reqs[i]); w.Code != http.StatusOK {
					t.Fatalf("%s: status %d", im.name, w.Code)
				}
				i = (i + 1) % len(reqs)
			})
		}
		added := perImpl["sessionless"] - perImpl["bare"]
		t.Logf("200B/%s: sessionless adds %.2f allocations per request (bare %.0f)", vk.name, added, perImpl["bare"])
		if added > maxAllocsAdded {
			t.Errorf("200B/%s: sessionless adds %.2f allocations per request; at most %d", vk.name, added, maxAllocsAdded)
		}
	}
}
