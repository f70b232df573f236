package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionless/sessionless/middleware"
)

// TestTimeoutHandlerInsideLoad: http.TimeoutHandler inside Load answers
// 503 through Load's writer from its own goroutine while the handler
// goroutine still runs and may touch the visitor data and flashes. Under
// -race this must not be a data race, and what the handler changes after
// the answer went out is refused (ErrHeaderWritten), never half-written.
func TestTimeoutHandlerInsideLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		errs := make(chan error, 3)
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = a.s.Data(r)
			<-r.Context().Done()
			time.Sleep(time.Millisecond) // the 503 has gone out by now
			errs <- a.s.SetData(r, Visit{Theme: "dark"})
			errs <- a.s.AddFlash(r, middleware.Flash{Text: "late"})
			_ = a.s.Flashes(r)
			errs <- a.s.Logout(w, r)
		})
		h := a.s.Load(http.TimeoutHandler(slow, time.Second, "too slow"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "https://example.test/", nil))
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d; want 503", rec.Code)
		}
		for range 3 {
			if err := <-errs; err != middleware.ErrHeaderWritten {
				t.Errorf("a change after the 503: %v; want ErrHeaderWritten", err)
			}
		}
		if got := rec.Header().Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("Set-Cookie %q after the 503; want none", got)
		}
	})
}
