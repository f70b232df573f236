package token

import (
	"bytes"

	"github.com/sessionless/sessionless/internal/b64"
	"github.com/sessionless/sessionless/keyring"
)

// parseHeader checks a decoded protected header and returns its kid. The
// header must be a JSON object with exactly the members alg ("A256KW"), enc
// ("A256GCM") and kid (a valid key id), each once, in any order, with
// optional whitespace; strings must not use escapes. Our own header, in its
// fixed order, is recognised without a parse.
func parseHeader(h []byte) (kid []byte, ok bool) {
	if len(h) > len(headerPrefix)+len(headerSuffix) && bytes.HasPrefix(h, []byte(headerPrefix)) && bytes.HasSuffix(h, []byte(headerSuffix)) {
		kid = h[len(headerPrefix) : len(h)-len(headerSuffix)]
		if validKid(kid) {
			return kid, true
		}
		return nil, false
	}
	p := parser{b: h}
	var alg, enc []byte
	var seen [3]bool
	if !p.object(func(key []byte) bool {
		i := -1
		switch string(key) {
		case "alg":
			i = 0
		case "enc":
			i = 1
		case "kid":
			i = 2
		}
		if i < 0 || seen[i] {
			return false // unknown (zip, crit, jku, jwk, ...) or duplicate
		}
		seen[i] = true
		v, ok := p.str()
		switch i {
		case 0:
			alg = v
		case 1:
			enc = v
		default:
			kid = v
		}
		return ok
	}) || !p.end() {
		return nil, false
	}
	if string(alg) != "A256KW" || string(enc) != "A256GCM" || !validKid(kid) {
		return nil, false
	}
	return kid, true
}

func validKid(kid []byte) bool {
	return keyring.ValidID(string(kid))
}

// parseClaims reads the plaintext object: jti (16 bytes in base64url), iat
// and exp (required), auth_time (optional) as positive integers of at most
// maxTimestamp written as plain digits, and data (required, any JSON value,
// returned unparsed). Unknown or repeated members, escapes in member names,
// and anything after the object are refused.
//
// The data is left to the decoder, which validates it anyway: when data
// comes after jti, iat and exp, as Seal writes it, it is taken to be the
// last member, and everything up to the object's closing brace is returned
// unscanned with tentative set. If that is not one JSON value (the decoder
// refuses trailing bytes), the data was not last or the object is
// malformed: the caller parses again with scan set, which finds the data's
// end by scanning it, and so reads the members after it too.
func parseClaims(pt []byte, jti *ID, iat, exp, auth *int64, scan bool) (data []byte, tentative, ok bool) {
	p := parser{b: pt}
	var seen [5]bool
	if !p.object(func(key []byte) bool {
		var i int
		switch string(key) {
		case "jti":
			i = 0
		case "iat":
			i = 1
		case "exp":
			i = 2
		case "auth_time":
			i = 3
		case "data":
			i = 4
		default:
			return false
		}
		if seen[i] {
			return false
		}
		seen[i] = true
		switch i {
		case 0:
			v, ok := p.str()
			if !ok || len(v) != 22 {
				return false
			}
			return b64.Decode(jti[:], string(v))
		case 1:
			return p.timestamp(iat)
		case 2:
			return p.timestamp(exp)
		case 3:
			return p.timestamp(auth)
		default:
			if !scan && seen[0] && seen[1] && seen[2] {
				data, tentative = p.rest()
				return tentative
			}
			data = p.value()
			return data != nil
		}
	}) || !p.end() {
		return nil, false, false
	}
	if !seen[0] || !seen[1] || !seen[2] || !seen[4] {
		return nil, false, false
	}
	return data, tentative, true
}

// parser is a minimal strict JSON reader for the header and the claims.
// It never allocates and never recurses on attacker input beyond maxDepth.
type parser struct {
	b []byte
	i int
}

const maxDepth = 64

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) byte(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports whether only whitespace is left.
func (p *parser) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// object reads an object, calling member for each key with the parser
// positioned after the colon; member reads the value.
func (p *parser) object(member func(key []byte) bool) bool {
	if !p.byte('{') {
		return false
	}
	if p.byte('}') {
		return true
	}
	for {
		k, ok := p.str()
		if !ok || !p.byte(':') || !member(k) {
			return false
		}
		if p.byte(',') {
			continue
		}
		return p.byte('}')
	}
}

// str reads a string without escapes or control characters and returns
// its contents.
func (p *parser) str() ([]byte, bool) {
	if !p.byte('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return p.b[start : p.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// timestamp reads a positive integer of plain digits, at most
// maxTimestamp: no sign, fraction, exponent, leading zero or quotes.
func (p *parser) timestamp(v *int64) bool {
	p.ws()
	start := p.i
	var n int64
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		n = n*10 + int64(p.b[p.i]-'0')
		p.i++
		if p.i-start > 12 { // maxTimestamp has 12 digits
			return false
		}
	}
	if p.i == start || p.b[start] == '0' || n > maxTimestamp {
		return false
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	*v = n
	return true
}

// rest returns what lies between the parser's position and the closing
// brace of the object, trimmed, and leaves the parser at that brace: the
// last member's value, if the object is well formed.
func (p *parser) rest() ([]byte, bool) {
	end := len(p.b)
	for end > p.i && isSpace(p.b[end-1]) {
		end--
	}
	if end == p.i || p.b[end-1] != '}' {
		return nil, false
	}
	p.ws()
	v := p.b[p.i : end-1]
	for len(v) > 0 && isSpace(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	p.i = end - 1
	return v, len(v) > 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// value skips one JSON value and returns its bytes. It finds the value's
// end (strings with escapes, nested objects and arrays, scalars) without
// validating every detail: encoding/json decodes and validates it later.
func (p *parser) value() []byte {
	p.ws()
	start := p.i
	depth := 0
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch c {
		case '"':
			p.i++
			for p.i < len(p.b) && p.b[p.i] != '"' {
				if p.b[p.i] == '\\' {
					p.i++
				}
				p.i++
			}
			if p.i >= len(p.b) {
				return nil
			}
			p.i++
			if depth == 0 {
				return p.b[start:p.i]
			}
			continue
		case '{', '[':
			depth++
			if depth > maxDepth {
				return nil
			}
		case '}', ']':
			if depth == 0 {
				if p.i == start {
					return nil
				}
				return p.b[start:p.i]
			}
			depth--
			if depth == 0 {
				p.i++
				return p.b[start:p.i]
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				if p.i == start {
					return nil
				}
				return p.b[start:p.i]
			}
		}
		p.i++
	}
	if depth != 0 || p.i == start {
		return nil
	}
	return p.b[start:p.i]
}
