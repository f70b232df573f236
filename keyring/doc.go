// Package keyring holds the master keys of sessionless: keys with ids and
// lifecycle times, the primary key that seals, every live key that opens,
// and the per-purpose keys derived from them.
//
// A [Ring] is an immutable snapshot, safe to share between goroutines. A
// [Live] holds the current ring and swaps it atomically, so a reload never
// leaves a reader with a half-built ring; [Watch] reloads a keyring file when
// it changes and keeps the previous ring when the new file does not parse.
// Both implement [Source], which is what the token package seals and opens
// with.
//
// # Keys and rotation
//
// A [Key] has an id, a 32-byte [Secret] from crypto/rand, a creation time
// and an activation time. The primary key is the key with the latest
// activation time that is not in the future. Rotation is staged, as in
// ASP.NET Core's data protection: [Ring.Rotate] adds a key that activates
// after a propagation delay, so every server has loaded it before anybody
// seals with it, and drops keys whose successor activated longer ago than
// the longest token lifetime. [Ring.WithRevokeBefore] sets a time before
// which every token is refused ("log everybody out" without a store).
//
// # Derived keys
//
// No master key is ever used directly. For a purpose P (such as "auth" or
// "remember"), the key encryption key is
//
//	HKDF-SHA256(secret = master, salt = empty, info = "sessionless/v1/" + P)
//
// 32 bytes, derived once per key and purpose and cached with its AES block
// cipher in the [Ring] ([Ring.Purpose]); a token sealed for one purpose never
// opens for another.
//
// # The file
//
// The keyring file is JSON (see [Parse]); it is written atomically (a
// temporary file in the same folder, fsync, rename) with mode 0600. A file
// is loaded only if nobody else can read or change it ([CheckFileMode], the
// rule PostgreSQL applies to its key file): owned by the process's user
// with no access for group or others, or owned by root and at most
// readable by its group (0640, 0440), as a Kubernetes Secret volume with
// fsGroup and defaultMode 0440 delivers it. A world-readable file
// (Kubernetes' default, 0644) is refused with a message that says how to
// fix it; [LoadOptions.InsecureAllowReadable] skips the rule. The same
// document may come from the SESSIONLESS_KEYRING environment variable, or
// a file named by SESSIONLESS_KEYRING_FILE ([FromEnv]).
//
// # Secrets
//
// A [Secret] never prints: String, GoString, every fmt verb, slog and JSON
// all show a redaction, and secrets compare in constant time. Errors name
// key ids, never key material.
package keyring
