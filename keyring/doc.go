// Package keyring keeps the master keys of sessionless and decides which of
// them seals and which open: it loads, validates, rotates and saves a
// keyring, follows a keyring file as it changes, and derives a separate
// key for each purpose from every master key.
//
// A [Ring] is an immutable snapshot, safe to share between goroutines. A
// [Live] holds the current ring and swaps it atomically, so a reload never
// leaves a reader with a half-built ring; [Watch] reloads a keyring file when
// its content changes and keeps the previous ring when the new file cannot
// be loaded. Both implement [Source], which is what the token package seals
// and opens with.
//
// # Keys and rotation
//
// A [Key] has an id, a 32-byte [Secret] from crypto/rand, a creation time
// and an activation time. The primary key is the key with the latest
// activation time that is not in the future (of keys that activate at the
// same time, the one listed last). Rotation is staged, as in
// ASP.NET Core's data protection: [Ring.Rotate] adds a key that activates
// after a propagation delay, so every server has loaded it before anybody
// seals with it, and drops keys whose successor activated longer ago than
// the longest token lifetime; [Ring.Lifecycle] tells each key's [Stage]
// (pending, primary, live, droppable). [Ring.WithRevokeBefore] sets a time
// before which every token is refused ("log everybody out" without a
// store).
//
// # Derived keys
//
// No master key is ever used directly. For a purpose P (such as "auth" or
// "remember"), the key encryption key is
//
//	HKDF-SHA256(secret = master, salt = empty, info = "sessionless/v1/" + P)
//
// 32 bytes, derived once per key and purpose and kept, with its AES key
// schedule, in the [Ring] ([Ring.PurposeKeys]); a token sealed for one
// purpose never opens for another. The keyring knows nothing of tokens:
// wrapping content keys and counting the tokens each key seals, opens and
// refuses are the token package's
// ([github.com/sessionless/sessionless/token.Usage]).
//
// # The file
//
// The keyring file is JSON (see [Parse]); it is written atomically (a
// temporary file in the same folder, fsync, rename) with mode 0600, or the
// mode it had if the rule below accepts that ([Save]). A file
// is loaded only if nobody else can read or change it ([CheckFileMode], the
// rule PostgreSQL applies to its key file): owned by the process's user
// with no access for group or others, or owned by root and at most
// readable by its group (0640, 0440). A world-readable file
// (Kubernetes' default, 0644) is refused with a message that says how to
// fix it; [LoadOptions.InsecureAllowReadable] skips the rule. The same
// document may come from the SESSIONLESS_KEYRING environment variable, or
// a file named by SESSIONLESS_KEYRING_FILE ([FromEnv]).
//
// # Kubernetes
//
// A keyring in a Kubernetes Secret, mounted as a volume with
// defaultMode 0440 and the pod's securityContext.fsGroup, arrives owned by
// root and readable by the pod's group, which [CheckFileMode] accepts. The
// kubelet updates such a volume by writing each version into a folder of
// its own and swapping the ..data link to it; the file the pod names is a
// link through ..data. [Watch] opens the path anew at every interval and
// compares content, so it follows that swap: the new ring is in use within
// one interval, and a version whose file is missing or does not parse
// keeps the old one and is reported.
//
// # Secrets
//
// A [Secret] never prints: String, GoString, every fmt verb, slog and JSON
// all show a redaction, and secrets compare in constant time. Errors name
// key ids, never key material.
package keyring
