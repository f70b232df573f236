// Package fleet holds the reliability tests of sessionless, which run
// whole programs rather than call the library: it has no API of its own.
//
// TestFleet builds the demo (examples/demo) and tokengen, starts three
// demo servers on loopback that share one watched keyring file, puts an
// in-process round-robin reverse proxy in front of them, and drives many
// simulated visitors through it while it rotates the key, breaks and
// restores the keyring file, kills a server and restarts another with its
// clock 30 s ahead. It asserts no 5xx, no unexpected logout and no
// re-authentication prompt the session model does not call for.
//
// TestHTTPThroughput measures requests per second of a sensitive page
// through the full middleware against the same page without it, and the
// server's RSS under load; TestSoak seals and opens 10 million tokens and
// watches the heap.
//
// The short forms run with go test; the long forms, their flags and the
// figures of a recorded run are in RELIABILITY.md at the repository root.
// Linux only: the tests use process groups and /proc.
package fleet
