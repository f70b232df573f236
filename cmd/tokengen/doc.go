// Command tokengen manages a sessionless keyring file and seals and opens
// tokens for debugging.
//
// It creates a keyring (init), adds keys in a staged rotation (rotate),
// shows the keys and their states (list), responds to a leaked key
// (promote, retire, revoke), seals and opens tokens (seal, open), and
// exports a derived key for another JOSE implementation (export-key). Run
// "tokengen -h" for the commands and their options.
//
// # Staged rotation
//
// Every server watches the keyring file ([keyring.Watch]) or is restarted
// after it changes. To rotate:
//
//  1. tokengen rotate -activate-in 1h: the new key is pending. Each server
//     opens its tokens as soon as it has loaded the file, and nobody seals
//     with it yet. Choose a delay longer than every server takes to load
//     the file.
//  2. After the delay, the new key is primary: every server seals with it,
//     and the previous key, now live, still opens the tokens it sealed.
//  3. Once the previous key was superseded longer ago than the longest
//     token lifetime (-max-token-age, default 31 days), no unexpired token
//     needs it: list shows it droppable, and the next rotate drops it. The
//     key-usage figures of the servers ([token.Usage]) show when it
//     stopped opening tokens.
//
// After a leak: "rotate -activate-in 0" (or "promote" a pending key), then
// "retire" the leaked key, whose tokens stop opening, and "revoke" to refuse
// every token issued until now, whichever key sealed it.
//
// # Files and secrets
//
// Every write goes through [keyring.Create] or [keyring.Save]: the file is
// replaced atomically (temporary file, fsync, rename), keeping its owner
// and a mode the permission rule accepts (any other becomes 0600). A file
// is loaded by the library's rule, [keyring.CheckFileMode] (owned by the
// user with no access for others, or owned by root and at most readable by
// its group); -insecure-allow-readable loads a refused one with a warning.
// No command prints a secret, except export-key with -unsafe-print-secret
// and the keyring document itself on stdout with -keyring -; errors quote
// neither tokens nor keys. open tells why a token does not open, which a
// server never tells a visitor.
//
// # A keyring without a file
//
// With -keyring -, the keyring is read from stdin, and a command that
// changes it (init, rotate, promote, retire, revoke) writes the whole new
// keyring document to stdout, and nothing else (its messages go to
// stderr); on failure stdout stays empty. That is how a keyring kept in a
// secret store, such as a Kubernetes Secret, is rotated through a pipe
// (docs/kubernetes.md). A terminal is refused on either side, and no lock
// file is taken: the secret store must refuse a conflicting update.
//
// # Installing
//
//	go install github.com/sessionless/sessionless/cmd/tokengen@latest
//
// Under "go run", every failure exits with status 1 (go run's own), not 2
// for a usage error.
//
// # Testing
//
// The tests set the cli's now field to a fixed or moving clock; the
// program uses time.Now.
//
// # Exit status
//
// 0 on success; 1 on failure, including a token that does not open (the
// reason is on stderr); 2 for a usage error: an unknown command or flag, a
// stray argument, a missing -keyring, a bad duration or time. -h on any
// command prints its help and exits 0.
package main
