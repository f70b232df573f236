package keyring_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// exampleDoc is a keyring document with two keys. Its secrets are made up
// for the examples: never publish a real one.
const exampleDoc = `{
  "version": 1,
  "keys": [
    {"id": "Xq3v9a", "secret": "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA", "created": "2026-11-23T07:00:00Z", "activates": "2026-11-23T08:00:00Z"},
    {"id": "Mb2Qk7", "secret": "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A", "created": "2026-12-01T07:00:00Z", "activates": "2026-12-01T08:00:00Z"}
  ],
  "revoke_before": "2026-11-23T07:30:00Z"
}`

func ExampleParse() {
	r, err := keyring.Parse([]byte(exampleDoc))
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range r.Keys() {
		fmt.Println(k.ID, "activates", k.Activates.Format(time.RFC3339))
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	primary, err := r.Primary(now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("primary on", now.Format(time.DateOnly)+":", primary.ID)
	fmt.Println("revoke before:", r.RevokeBefore().Format(time.RFC3339))
	fmt.Println(primary.Secret) // a secret never prints

	// Output:
	// Xq3v9a activates 2026-11-23T08:00:00Z
	// Mb2Qk7 activates 2026-12-01T08:00:00Z
	// primary on 2026-11-30: Xq3v9a
	// revoke before: 2026-11-23T07:30:00Z
	// keyring.Secret(REDACTED)
}

func ExampleRing_Rotate() {
	r, err := keyring.Parse([]byte(exampleDoc))
	if err != nil {
		log.Fatal(err)
	}
	// On 2 January, Mb2Qk7 has been primary for a month: Xq3v9a can no
	// longer have open tokens that last at most 30 days.
	now := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	const propagation, maxTokenAge = time.Hour, 30 * 24 * time.Hour
	next, res, err := r.Rotate(now, propagation, maxTokenAge)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("dropped:", res.Dropped)
	fmt.Println("added a key that is", res.Added.Stage, "until", res.Added.Activates.Format(time.RFC3339))
	fmt.Println("keys:", next.Len())
	p, _ := next.Primary(now)
	fmt.Println("primary now:", p.ID)
	p, _ = next.Primary(now.Add(propagation))
	fmt.Println("primary in an hour is the new key:", p.ID == res.Added.ID)

	// Output:
	// dropped: [Xq3v9a]
	// added a key that is pending until 2027-01-02T10:00:00Z
	// keys: 2
	// primary now: Mb2Qk7
	// primary in an hour is the new key: true
}

func ExampleRing_Lifecycle() {
	r, err := keyring.Parse([]byte(exampleDoc))
	if err != nil {
		log.Fatal(err)
	}
	const maxTokenAge = 7 * 24 * time.Hour
	for _, now := range []time.Time{
		time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC),
	} {
		fmt.Print(now.Format(time.DateOnly), ":")
		for _, s := range r.Lifecycle(now, maxTokenAge) {
			fmt.Print(" ", s.ID, "=", s.Stage)
		}
		fmt.Println()
	}

	// Output:
	// 2026-11-20: Xq3v9a=pending Mb2Qk7=pending
	// 2026-11-25: Xq3v9a=primary Mb2Qk7=pending
	// 2026-12-05: Xq3v9a=live Mb2Qk7=primary
	// 2026-12-10: Xq3v9a=droppable Mb2Qk7=primary
}

func ExampleRing_PurposeKeys() {
	r, err := keyring.Parse([]byte(exampleDoc))
	if err != nil {
		log.Fatal(err)
	}
	// The token package seals and opens the "auth" tokens with these: one
	// key encryption key per master key, derived for that purpose only.
	auth, err := r.PurposeKeys("auth")
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range auth {
		fmt.Println(k.ID, "activates", k.Activates.Format(time.DateOnly))
	}

	// Output:
	// Xq3v9a activates 2026-11-23
	// Mb2Qk7 activates 2026-12-01
}

func ExampleWatch() {
	dir, err := os.MkdirTemp("", "keyring-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "keyring.json")

	r, err := keyring.Parse([]byte(exampleDoc))
	if err != nil {
		log.Fatal(err)
	}
	if err := keyring.Create(path, r); err != nil { // mode 0600
		log.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the watching goroutine
	w, err := keyring.Watch(ctx, path, keyring.WatchConfig{
		Interval: time.Hour, // this example reloads by hand
		OnReload: func(r *keyring.Ring) { fmt.Println("reloaded:", r.Len(), "keys") },
		OnError:  func(err error) { fmt.Println("kept the previous ring:", err) },
	})
	if err != nil {
		log.Fatal(err)
	}

	// The operator retires a key; every server picks up the new file.
	next, err := w.Current().Retire("Xq3v9a", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		log.Fatal(err)
	}
	if err := keyring.Save(path, next); err != nil {
		log.Fatal(err)
	}
	fmt.Println("reload:", w.Reload())

	// A bad write never leaves the server without keys.
	if err := os.WriteFile(path, []byte(`{"version":1,"keys":[]}`), 0o600); err != nil {
		log.Fatal(err)
	}
	fmt.Println("reload error:", w.Reload() != nil)
	fmt.Println("still serving:", w.Current().Keys()[0].ID)

	// Output:
	// reloaded: 1 keys
	// reload: <nil>
	// kept the previous ring: keyring: invalid keyring: no keys
	// reload error: true
	// still serving: Mb2Qk7
}
