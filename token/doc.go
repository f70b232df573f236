// Package token seals a typed payload and its timestamps into a compact,
// standard JWE (RFC 7516) and opens it again.
//
// A token is
//
//	BASE64URL(header) . BASE64URL(wrapped CEK) . BASE64URL(IV) . BASE64URL(ciphertext) . BASE64URL(tag)
//
// with the protected header {"alg":"A256KW","enc":"A256GCM","kid":"<key id>"}
// and nothing else. Each token has its own random 256-bit content key (CEK),
// wrapped with AES Key Wrap (RFC 3394) under the key that the keyring derives
// for the codec's purpose; the plaintext is encrypted with AES-256-GCM under
// the CEK and a random 96-bit IV, with the encoded header as additional
// data. Any JOSE implementation opens it given the derived key
// ([keyring.Ring.UnsafeExportPurposeKey]).
//
// The plaintext is the JSON object
//
//	{"jti":"<16 random bytes, base64url>","iat":<unix s>,"exp":<unix s>,"auth_time":<unix s, optional>,"data":<payload>}
//
// where the application's payload is nested under "data" and so can never
// override a claim.
//
// # Why A256KW and not dir
//
// With "dir", every token under a key would share one GCM key with random
// 96-bit IVs, which NIST SP 800-38D caps at 2^32 messages per key: a large
// site renewing sliding tokens reaches that in days. With A256KW every token
// has a fresh GCM key, so there is no per-key message limit. It costs about
// 54 characters and an AES key schedule per token.
//
// # Opening
//
// [Codec.Open] checks, in this order: the length bound (nothing larger than
// [Config.MaxLength] is decoded); the strict shape (five parts of canonical
// unpadded base64url, no line breaks, a 40-byte wrapped key, a 12-byte IV, a
// 16-byte tag); the header (exactly alg, enc and kid, in any order, with
// A256KW and A256GCM: "dir", "zip", "crit", "jku", "jwk" and every other
// member are refused); the key, by kid; the unwrap; the GCM tag; the claims
// (strict JSON: unknown, duplicate or ill-typed members are refused, and a
// missing timestamp is never read as "valid forever"); exp and iat against
// the given time with [Config.Leeway] (refused from exp + leeway on, as RFC
// 7519 §4.1.4 says: not "on or after" the expiration time); the keyring's
// revoke_before.
//
// Every failure before the tag verifies is one opaque [ErrInvalid]; after
// it, [ErrExpired], [ErrNotYetValid] and [ErrRevoked]. All match with
// errors.Is, none panics, and none holds token or key material. [ReasonOf]
// gives an operator the reason code (for logs and metrics, never for the
// visitor).
//
// # Speed
//
// Sealing and opening write and parse the fixed header themselves, derive
// nothing and build no cipher but the per-token GCM, reuse their buffers
// and read crypto/rand ahead in blocks. The data is encoded with
// encoding/json. It is decoded by internal/jsondec when the payload type is
// plain (structs of strings, numbers, booleans, slices and pointers): a
// decoder planned once per type, whose strings alias one copy of the
// data, several times faster than a general one. Whatever it does not
// decide (other types, escapes it does not handle, unknown or repeated
// members) is decoded by github.com/go-json-experiment/json (the
// prototype of encoding/json/v2), and its results are the same: field
// names match exactly (case-sensitively). See BENCHMARKS.md.
//
// A codec remembers the tokens it opened ([Config.CacheSize], 1024 by
// default), per ring: a repeat request with a byte-identical token skips
// the base64 decoding and the cryptography. A hit checks exp, iat
// and revoke_before again, counts in [Usage], and decodes a new Data from
// the remembered JSON, so requests never share one. go-jose is the
// reference implementation in the tests, which check that each opens what
// the other seals.
package token
