package remember_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionless/sessionless/remember"
)

// BenchmarkLoad is the common request: a valid auth cookie (and a remember
// cookie), no renewal due, nothing written.
func BenchmarkLoad(b *testing.B) {
	e := newEnv(b, remember.Config[User]{})
	br := e.browser()
	e.login(br, alice, true)
	e.clock.Set(t0.Add(5 * time.Minute))
	r := br.request()
	rec := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		if st := e.m.Load(rec, r); st.Level != remember.Authenticated {
			b.Fatalf("Load() level = %v; want %v", st.Level, remember.Authenticated)
		}
	}
	if len(rec.Header()) != 0 {
		b.Fatalf("Load() wrote %v; want nothing", rec.Header())
	}
}

// BenchmarkLoadRenew is a request whose auth token is due for renewal:
// one open, one seal and one Set-Cookie.
func BenchmarkLoadRenew(b *testing.B) {
	e := newEnv(b, remember.Config[User]{})
	br := e.browser()
	e.login(br, alice, true)
	e.clock.Set(t0.Add(20 * time.Minute))
	r := br.request()
	rec := httptest.NewRecorder()
	h := rec.Header()
	b.ReportAllocs()
	for b.Loop() {
		clear(h)
		if st := e.m.Load(rec, r); st.Level != remember.Authenticated {
			b.Fatalf("Load() level = %v; want %v", st.Level, remember.Authenticated)
		}
	}
	if len(h["Set-Cookie"]) != 1 {
		b.Fatalf("Load() wrote %d Set-Cookie lines; want 1", len(h["Set-Cookie"]))
	}
}

// BenchmarkLoadForged is a request whose auth token names a live key but
// fails authentication (a forgery, or a token of a purpose this Manager
// does not know): the failed open, the probes of the library's other
// purposes, the deletion and the report.
func BenchmarkLoadForged(b *testing.B) {
	e := newEnv(b, remember.Config[User]{})
	auth, _ := e.mint(alice, t0)
	forged := auth[:len(auth)-2] + map[bool]string{true: "AA", false: "BA"}[auth[len(auth)-2:] != "AA"]
	r := httptest.NewRequest("GET", "https://example.com/", nil)
	r.Header.Set("Cookie", authName+"="+forged)
	rec := httptest.NewRecorder()
	h := rec.Header()
	b.ReportAllocs()
	for b.Loop() {
		clear(h)
		if st := e.m.Load(rec, r); st.Level != remember.Anonymous {
			b.Fatalf("Load() level = %v; want anonymous", st.Level)
		}
	}
}
