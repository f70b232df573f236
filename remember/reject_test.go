package remember_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// kit holds the valid tokens of a test and tokens that must fail.
type kit struct {
	e                *env
	auth, rem        string // alice's, sealed at t0
	expAuth, expRem  string // sealed 40 days before t0
	futAuth, futRem  string // sealed 10 minutes after t0 (a clock ahead)
	revAuth, revRem  string // sealed a minute before t0, before revoke_before
	forAuth, forRem  string // sealed under another keyring
	strAuth, strRem  string // authentic, but the data is a string, not a User
	used             []string
	revokeBeforeTime time.Time
}

func newKit(t *testing.T, e *env) *kit {
	t.Helper()
	k := &kit{e: e}
	k.auth, k.rem = e.mint(alice, t0)
	k.expAuth, k.expRem = e.mint(alice, t0.Add(-40*24*time.Hour))
	k.futAuth, k.futRem = e.mint(alice, t0.Add(10*time.Minute))
	k.revAuth, k.revRem = e.mint(alice, t0.Add(-time.Minute))
	k.revokeBeforeTime = t0.Add(-30 * time.Second)
	other := newEnv(t, remember.Config[User]{})
	k.forAuth, k.forRem = other.mint(alice, t0)
	for _, p := range []struct {
		purpose string
		dst     *string
	}{{remember.PurposeAuth, &k.strAuth}, {remember.PurposeRemember, &k.strRem}} {
		c, err := token.New[string](e.live, token.Config{Purpose: p.purpose})
		if err != nil {
			t.Fatal(err)
		}
		if *p.dst, err = c.Seal(token.Params{IssuedAt: t0, Expiry: t0.Add(time.Hour)}, "not a user"); err != nil {
			t.Fatal(err)
		}
	}
	k.used = []string{k.auth, k.rem, k.expAuth, k.expRem, k.futAuth, k.futRem, k.revAuth, k.revRem, k.forAuth, k.forRem, k.strAuth, k.strRem}
	return k
}

// valid returns the valid token for a cookie, and pick the one of its
// purpose among a pair.
func (k *kit) pick(purpose, auth, rem string) string {
	if purpose == remember.PurposeAuth {
		return auth
	}
	return rem
}

// flip replaces the character at i with another base64url character.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

// part returns the offset of the middle of the n-th dot-separated part.
func part(tok string, n int) int {
	parts := strings.Split(tok, ".")
	off := 0
	for i := range n {
		off += len(parts[i]) + 1
	}
	return off + len(parts[n])/2
}

// TestBadCookies sends every kind of bad cookie, in the auth cookie and in
// the remember cookie, alone and beside a valid other cookie. Each gives no
// session from the bad cookie (the other one still counts), the bad cookie
// deleted in the response, OnReject called once with the reason and the
// cookie's name, and never a panic. Cookies the server must not see (E4,
// E5) are ignored: no report, nothing written.
//
// H3: every case runs with a JSON slog handler at Debug level on a buffer
// and an OnReject that keeps fmt's %+v of each Rejection; neither holds any
// 8-character part of any token used, nor the payload.
func TestBadCookies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cookie func(k *kit, name, purpose string) string // the Cookie header part for the cookie
		setup  func(k *kit)
		reason token.Reason // "" means ignored: no report, nothing written
	}{
		{"A2 garbage", func(k *kit, name, _ string) string { return name + "=garbage!value" }, nil, token.ReasonMalformed},
		{"A1 empty value", func(k *kit, name, _ string) string { return name + "=" }, nil, token.ReasonMalformed},
		{"A5 tampered ciphertext", func(k *kit, name, p string) string {
			v := k.pick(p, k.auth, k.rem)
			return name + "=" + flip(v, part(v, 3))
		}, nil, token.ReasonBadTag},
		{"A5 tampered tag", func(k *kit, name, p string) string {
			v := k.pick(p, k.auth, k.rem)
			return name + "=" + flip(v, part(v, 4))
		}, nil, token.ReasonBadTag},
		{"A5 tampered wrapped key", func(k *kit, name, p string) string {
			v := k.pick(p, k.auth, k.rem)
			return name + "=" + flip(v, part(v, 1))
		}, nil, token.ReasonBadTag},
		{"A4 truncated", func(k *kit, name, p string) string { v := k.pick(p, k.auth, k.rem); return name + "=" + v[:len(v)-10] }, nil, token.ReasonMalformed},
		{"A4 cut in half", func(k *kit, name, p string) string { v := k.pick(p, k.auth, k.rem); return name + "=" + v[:len(v)/2] }, nil, token.ReasonMalformed},
		{"D1 expired", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.expAuth, k.expRem) }, nil, token.ReasonExpired},
		{"D2 not yet valid", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.futAuth, k.futRem) }, nil, token.ReasonNotYetValid},
		{"C1 another keyring", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.forAuth, k.forRem) }, nil, token.ReasonUnknownKey},
		{"C9 wrong purpose", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.rem, k.auth) }, nil, token.ReasonWrongPurpose},
		{"C9 wrong purpose, expired", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.expRem, k.expAuth) }, nil, token.ReasonWrongPurpose},
		{"A14 authentic, data of another type", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.strAuth, k.strRem) }, nil, token.ReasonBadClaims},
		{"D7 revoked", func(k *kit, name, p string) string { return name + "=" + k.pick(p, k.revAuth, k.revRem) },
			func(k *kit) { k.e.live.Store(must(k.e.live.Current().WithRevokeBefore(k.revokeBeforeTime))) }, token.ReasonRevoked},
		{"E3 duplicate, valid first", func(k *kit, name, p string) string {
			return name + "=" + k.pick(p, k.auth, k.rem) + "; " + name + "=garbage"
		}, nil, token.ReasonDuplicate},
		{"E3 duplicate, valid second", func(k *kit, name, p string) string {
			return name + "=garbage; " + name + "=" + k.pick(p, k.auth, k.rem)
		}, nil, token.ReasonDuplicate},
		{"E3 duplicate, both valid", func(k *kit, name, p string) string {
			v := k.pick(p, k.auth, k.rem)
			return name + "=" + v + "; " + name + "=" + v
		}, nil, token.ReasonDuplicate},
		{"E3 duplicate, other user's", func(k *kit, name, p string) string {
			a, r := k.e.mint(bob, t0)
			return name + "=" + k.pick(p, k.auth, k.rem) + "; " + name + "=" + k.pick(p, a, r)
		}, nil, token.ReasonDuplicate},
		{"E4 upper-case prefix", func(k *kit, name, p string) string {
			return strings.Replace(name, "__Host-", "__HOST-", 1) + "=" + k.pick(p, k.auth, k.rem)
		}, nil, ""},
		{"E4 lower-case prefix", func(k *kit, name, p string) string {
			return strings.Replace(name, "__Host-", "__host-", 1) + "=" + k.pick(p, k.auth, k.rem)
		}, nil, ""},
		{"E5 leading equals", func(k *kit, name, p string) string { return "=" + name + "=" + k.pick(p, k.auth, k.rem) }, nil, ""},
		{"E5 semicolons", func(k *kit, name, p string) string { return ";;;" }, nil, ""},
		{"E5 nameless pair", func(k *kit, name, p string) string { return "=" + k.pick(p, k.auth, k.rem) + "; =; ==" }, nil, ""},
		{"A9 quoted value", func(k *kit, name, p string) string { return name + `="` + k.pick(p, k.auth, k.rem) + `"` }, nil, token.ReasonMalformed},
		{"A11 4 500 bytes", func(k *kit, name, p string) string { return name + "=" + strings.Repeat("A", 4500) }, nil, token.ReasonMalformed},
		{"A11 64 KiB", func(k *kit, name, p string) string { return name + "=" + strings.Repeat("A", 64<<10) }, nil, token.ReasonMalformed},
		{"A11 too large for the codec, in chunks", func(k *kit, name, p string) string {
			h := name + "=chunks-5"
			for i := 1; i <= 5; i++ {
				h += "; " + name + "." + string(rune('0'+i)) + "=" + strings.Repeat("A", 3900)
			}
			return h
		}, nil, token.ReasonMalformed},
		{"chunks of valid-looking garbage", func(k *kit, name, p string) string {
			return name + "=chunks-2; " + name + ".1=" + strings.Repeat("A", 3900) + "; " + name + ".2=" + strings.Repeat("B", 100)
		}, nil, token.ReasonMalformed},
		{"chunk without its base cookie", func(k *kit, name, p string) string { return name + ".1=" + k.pick(p, k.auth, k.rem) }, nil, token.ReasonMalformed},
		{"chunk beside an unchunked value", func(k *kit, name, p string) string {
			return name + "=" + k.pick(p, k.auth, k.rem) + "; " + name + ".2=x"
		}, nil, token.ReasonMalformed},
		{"B1 alg none", func(k *kit, name, p string) string { return name + "=eyJhbGciOiJub25lIn0.e30." }, nil, token.ReasonMalformed},
	}
	variants := []struct {
		name      string
		bad       string // the cookie that is bad
		purpose   string
		good      string // the other cookie, "" for none
		wantLevel remember.Level
		unread    bool // the bad cookie is not read at all
	}{
		{"auth alone", authName, remember.PurposeAuth, "", remember.Anonymous, false},
		{"remember alone", rememberName, remember.PurposeRemember, "", remember.Anonymous, false},
		{"auth beside a valid remember", authName, remember.PurposeAuth, rememberName, remember.Remembered, false},
		// An authenticated request does not open its remember token.
		{"remember beside a valid auth", rememberName, remember.PurposeRemember, authName, remember.Authenticated, true},
	}
	for _, tt := range tests {
		for _, v := range variants {
			t.Run(tt.name+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, remember.Config[User]{})
				k := newKit(t, e)
				if tt.setup != nil {
					tt.setup(k)
				}
				header := tt.cookie(k, v.bad, v.purpose)
				if v.good != "" {
					header += "; " + v.good + "=" + k.pick(map[string]string{authName: remember.PurposeAuth, rememberName: remember.PurposeRemember}[v.good], k.auth, k.rem)
				}
				st, set := e.loadHeader(header)
				if st.Level != v.wantLevel {
					t.Errorf("Load() level = %v; want %v", st.Level, v.wantLevel)
				}
				switch v.wantLevel {
				case remember.Anonymous:
					if diff := cmp.Diff(&remember.State[User]{}, st, cmpTime); diff != "" {
						t.Errorf("Load() state mismatch (-want +got):\n%s", diff)
					}
				case remember.Remembered:
					if st.Data != alice || !st.Auth.ID.IsZero() {
						t.Errorf("Load() = data %+v, auth %v; want alice from the remember token, no auth", st.Data, st.Auth.ID)
					}
				case remember.Authenticated:
					if st.Data != alice || st.RememberMe() {
						t.Errorf("Load() = data %+v, remembered %v; want alice, not remembered", st.Data, st.RememberMe())
					}
				}

				rejs := e.rej.take()
				if tt.reason == "" || v.unread {
					if len(rejs) != 0 || len(set) != 0 {
						t.Errorf("ignored cookie: rejections %+v, set %v; want none", rejs, setNames(set))
					}
				} else {
					want := []remember.Rejection{{Cookie: v.bad, Reason: tt.reason}}
					if diff := cmp.Diff(want, rejs, cmpopts.IgnoreFields(remember.Rejection{}, "KeyID", "Err")); diff != "" {
						t.Errorf("OnReject calls (-want +got):\n%s", diff)
					}
					for _, r := range rejs {
						if r.Err == nil {
							t.Errorf("Rejection.Err = nil; want the error")
						}
					}
					if c := set[v.bad]; c == nil || c.MaxAge >= 0 {
						t.Errorf("Load() set %v; want %s deleted", setNames(set), v.bad)
					}
					for name, c := range set {
						if c.MaxAge >= 0 {
							t.Errorf("Load() wrote cookie %q; want only deletions", name)
						}
					}
				}

				// H3.
				tokens := slices.Concat(k.used, cookieValues(header))
				noSecrets(t, "log", e.logs.String(), tokens...)
				noSecrets(t, "OnReject", e.rej.text(), tokens...)
				if tt.reason != "" && !v.unread && !strings.Contains(e.logs.String(), `"reason":"`+string(tt.reason)+`"`) {
					t.Errorf("log %q; want a line with reason %q", e.logs.String(), tt.reason)
				}
			})
		}
	}
}

// cookieValues returns the values of a Cookie header, for the H3 checks
// (the names are in the logs, rightly).
func cookieValues(h string) []string {
	var vs []string
	for _, p := range strings.Split(h, ";") {
		if _, v, ok := strings.Cut(p, "="); ok {
			vs = append(vs, strings.Trim(v, `"=`))
		}
	}
	return vs
}

// TestRejectionKeyID checks that a rejection names the key when the token
// opened far enough to tell, and that expired tokens log at Debug.
func TestRejectionKeyID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	k := newKit(t, e)
	kid := primaryID(t, e.live.Current(), t0)
	e.loadHeader(authName + "=" + k.expAuth)
	rejs := e.rej.take()
	if len(rejs) != 1 || rejs[0].KeyID != kid || rejs[0].Reason != token.ReasonExpired {
		t.Fatalf("rejections %+v; want one, expired, key %q", rejs, kid)
	}
	if !strings.Contains(e.logs.String(), `"level":"DEBUG"`) || !strings.Contains(e.logs.String(), `"kid":"`+kid+`"`) {
		t.Errorf("log %q; want a Debug line naming the key", e.logs.String())
	}
	e.loadHeader(authName + "=garbage!value")
	if !strings.Contains(e.logs.String(), `"level":"INFO"`) {
		t.Errorf("log %q; want an Info line for a malformed cookie", e.logs.String())
	}
}

// TestPooledReadBuffers: Load reads each cookie into a pooled buffer that
// the next request overwrites (docs/attacks.md H4); a State keeps nothing
// of it. Two visitors with chunked cookies take turns, and every State
// read before still holds its own visitor.
func TestPooledReadBuffers(t *testing.T) {
	e := newEnv(t, remember.Config[User]{})
	big := func(u User, b byte) User {
		u.Bio = strings.Repeat(string(b), 6000) // several chunks
		return u
	}
	users := []User{big(alice, 'a'), big(bob, 'b')}
	browsers := []*browser{e.browser(), e.browser()}
	for i, b := range browsers {
		e.login(b, users[i], false)
	}
	type loaded struct {
		st   *remember.State[User]
		want User
	}
	var states []loaded
	for round := range 4 { // misses, a miss that stores, hits
		for i, b := range browsers {
			st, _ := e.load(b)
			if st.Level != remember.Authenticated {
				t.Fatalf("round %d, visitor %d: level %v", round, i, st.Level)
			}
			states = append(states, loaded{st, users[i]})
		}
	}
	for i, s := range states {
		if diff := cmp.Diff(s.want, s.st.Data); diff != "" {
			t.Errorf("State %d after later requests (-want +got):\n%s", i, diff)
		}
	}
}
