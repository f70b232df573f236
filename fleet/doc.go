// Package fleet holds the reliability tests of sessionless, which run
// whole programs rather than call the library: it has no API of its own.
// It is a module of its own (like browsertest/), so that the library's
// go test ./... stays quick.
//
// TestFleet builds the demo (examples/demo) three ways — as it is, with
// its payload type grown by a field, and with one field dropped (go build
// -overlay) — and tokengen. It starts three demo servers on loopback that
// watch one keyring delivered as a Kubernetes Secret volume is (the file a
// symlink through ..data, swapped atomically), puts HAProxy in front of
// them (round robin, no stickiness, health checks), and drives many
// simulated visitors through it while it rolls the servers to the grown
// build and then to the shrunk one during a staged key rotation, breaks
// and restores the keyring, kills a server and restarts another with its
// clock 30 s ahead. It asserts, from the visitors' models, HAProxy's and
// the servers' published counters (/debug/vars): no 5xx, no unexpected
// logout, no refused cookie. Without haproxy it fails in CI (CI=true) and
// skips elsewhere.
//
// TestHTTPThroughput measures requests per second of a sensitive page
// through the full middleware against the same page without it, and the
// server's RSS under load; TestSoak seals and opens 10 million tokens and
// watches the heap. Reports go to each test's t.ArtifactDir (kept with
// go test -artifacts -outputdir DIR).
//
// The short forms run with go test in this folder; the long forms, their
// flags and the figures of recorded runs are in RELIABILITY.md at the
// repository root. Linux only: the tests use process groups and /proc.
package fleet
