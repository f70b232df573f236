//go:build linux

package fleet

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"time"
)

// serverFigures are what a demo server publishes at GET /debug/vars (on
// loopback): the demo's own counters (examples/demo/vars.go) and the
// key-usage figures.
type serverFigures struct {
	Demo demoFigures `json:"demo"`
	Keys keyUsage    `json:"sessionless_keys"`
}

// demoFigures are the demo's counters, expvar "demo".
type demoFigures struct {
	Requests       int64            `json:"requests"`
	Status         map[string]int64 `json:"status"`  // by class: "2xx", …
	Refused        map[string]int64 `json:"refused"` // cookies refused, by reason
	HealthChecks   int64            `json:"health_checks"`
	Reloads        int64            `json:"keyring_reloads"`
	ReloadErrors   int64            `json:"keyring_reload_errors"`
	KeyringKeys    int              `json:"keyring_keys"`
	KeyringPrimary string           `json:"keyring_primary"`
}

// keyUsage is the part of the key-usage figures the fleet reads: tokens
// sealed and opened per key. This is the one place that knows their
// expvar name and shape (today keyring.Stats, published by the demo as
// "sessionless_keys"), which are moving out of package keyring.
type keyUsage struct {
	Keys []struct {
		ID     string `json:"id"`
		Sealed uint64 `json:"sealed"`
		Opened uint64 `json:"opened"`
	} `json:"keys"`
}

// sealedOpened returns the tokens sealed in all and those of key opened.
func (k keyUsage) sealedOpened(key string) (sealed, opened uint64) {
	for _, ks := range k.Keys {
		sealed += ks.Sealed
		if ks.ID == key {
			opened = ks.Opened
		}
	}
	return sealed, opened
}

// directClient talks to one server, not through the load balancer; every
// request has a deadline.
var directClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// readFigures asks the server at addr for its figures.
func readFigures(addr string) (serverFigures, error) {
	var v serverFigures
	res, err := directClient.Get("http://" + addr + "/debug/vars")
	if err != nil {
		return v, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return v, fmt.Errorf("GET /debug/vars at %s: status %d", addr, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		return v, fmt.Errorf("GET /debug/vars at %s: %v", addr, err)
	}
	return v, nil
}

// totals adds up the demo figures of several processes.
type totals struct {
	Requests     int64            `json:"requests"`
	Status       map[string]int64 `json:"status"`
	Refused      map[string]int64 `json:"refused"`
	HealthChecks int64            `json:"health_checks"`
	Reloads      int64            `json:"keyring_reloads"`
	ReloadErrors int64            `json:"keyring_reload_errors"`
}

func (t *totals) add(d demoFigures) {
	if t.Status == nil {
		t.Status, t.Refused = map[string]int64{}, map[string]int64{}
	}
	t.Requests += d.Requests
	t.HealthChecks += d.HealthChecks
	t.Reloads += d.Reloads
	t.ReloadErrors += d.ReloadErrors
	for _, m := range []struct{ dst, src map[string]int64 }{{t.Status, d.Status}, {t.Refused, d.Refused}} {
		for k, v := range maps.All(m.src) {
			m.dst[k] += v
		}
	}
}
