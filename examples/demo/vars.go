package main

import (
	"context"
	"expvar"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
)

// figuresName is the expvar name of the demo's own figures. With the
// key-usage figures (expvarName) they are served at GET /debug/vars, on
// loopback only:
//
//	requests               requests served (GET /healthz and GET /debug/vars not counted)
//	status                 those requests by status class: "2xx", "3xx", "4xx", "5xx"
//	refused                cookies that were present but refused, by reason
//	health_checks          GET /healthz answered
//	keyring_reloads        changes of the keyring file loaded
//	keyring_reload_errors  changes of the keyring file refused (the keys in use stay)
//	keyring_keys           keys in the ring in use
//	keyring_primary        the id of the key that seals now, or "none"
//
// The fleet test (fleet/) asserts on them rather than on the log.
const figuresName = "demo"

// figures are the demo's own counters. The process publishes one set
// (demoFigures), since expvar names are per process; tests make their own.
type figures struct {
	vars                                          expvar.Map // all of them, as published
	requests, healthChecks, reloads, reloadErrors expvar.Int
	status, refused                               expvar.Map
	keys                                          atomic.Pointer[keyring.Source] // the ring in use, once run has it
}

var demoFigures = newFigures()

func init() { expvar.Publish(figuresName, &demoFigures.vars) }

func newFigures() *figures {
	f := new(figures)
	m := f.vars.Init()
	m.Set("requests", &f.requests)
	m.Set("status", f.status.Init())
	m.Set("refused", f.refused.Init())
	m.Set("health_checks", &f.healthChecks)
	m.Set("keyring_reloads", &f.reloads)
	m.Set("keyring_reload_errors", &f.reloadErrors)
	m.Set("keyring_keys", expvar.Func(func() any {
		if r := f.ring(); r != nil {
			return r.Len()
		}
		return 0
	}))
	m.Set("keyring_primary", expvar.Func(func() any { return primaryID(f.ring()) }))
	return f
}

// useKeys makes keys the ring the figures describe.
func (f *figures) useKeys(keys keyring.Source) { f.keys.Store(&keys) }

// ring returns the ring in use, or nil before useKeys.
func (f *figures) ring() *keyring.Ring {
	if s := f.keys.Load(); s != nil {
		return (*s).Current()
	}
	return nil
}

// reject counts a refused cookie: remember.Config.OnReject.
func (f *figures) reject(_ context.Context, rej remember.Rejection) {
	f.refused.Add(string(rej.Reason), 1)
}

// serve counts the requests next serves, by status class, and answers
// GET /healthz itself: 200 while the ring has a key to seal with, 503
// otherwise (a load balancer's health check, a Kubernetes readiness
// probe).
func (f *figures) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			f.healthChecks.Add(1)
			w.Header().Set("Cache-Control", "no-store")
			if primaryID(f.ring()) == "none" {
				http.Error(w, "no key to seal with", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ok\n"))
			return
		case r.URL.Path == "/debug/vars":
			next.ServeHTTP(w, r)
			return
		}
		f.requests.Add(1)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		f.status.Add(statusClass(sw.code), 1)
	})
}

// statusClass names the class of an HTTP status: "2xx" for 204. A handler
// that wrote nothing answered 200.
func statusClass(code int) string {
	if code < 100 || code > 599 {
		code = http.StatusOK
	}
	return string(rune('0'+code/100)) + "xx"
}

// statusWriter remembers the status of the answer. Unwrap keeps
// http.ResponseController (Flush, deadlines) working through it.
type statusWriter struct {
	http.ResponseWriter
	code int // 0 until the header is written
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 && code >= 200 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// primaryID is the id of r's primary key now, or "none" (also for a nil
// ring).
func primaryID(r *keyring.Ring) string {
	if r == nil {
		return "none"
	}
	k, err := r.Primary(time.Now())
	if err != nil {
		return "none"
	}
	return k.ID
}
