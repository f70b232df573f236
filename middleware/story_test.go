package middleware_test

import (
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"
)

// TestStory walks the whole model (issue 3): login with remember, a
// sensitive route, a browser restart, recognised by name, sent to
// re-authenticate, back in, the idle timeout, the absolute lifetime despite
// activity, and logout. Time passes in a synctest bubble.
func TestStory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)

		expect(t, "anonymous home", b.get("/"), 200, "anonymous ")
		expect(t, "anonymous account", b.get("/account"), 303, "/login?return_to=%2Faccount")

		expect(t, "login with remember", b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}, "return_to": {"/account"}}), 303, "/account")
		if len(b.cookies) != 2 {
			t.Fatalf("after login: cookies %v; want auth and remember", b.cookies)
		}
		expect(t, "sensitive route", b.get("/account"), 200, "secret of Alice")
		expect(t, "home", b.get("/"), 200, "authenticated Alice")

		b.restart()
		if _, ok := b.cookies["__Host-auth"]; ok {
			t.Fatal("the auth cookie survived a browser restart")
		}
		expect(t, "remembered by name", b.get("/"), 200, "remembered Alice")
		expect(t, "greeting route", b.get("/greet"), 200, "secret of Alice")
		expect(t, "sensitive route asks for the password", b.get("/account?tab=1"), 303, "/reauth?return_to=%2Faccount%3Ftab%3D1")

		expect(t, "wrong password", b.post("/reauth", url.Values{"password": {"nope"}}), 401, "")
		expect(t, "re-authenticate", b.post("/reauth", url.Values{"password": {"wonderland"}, "return_to": {"/account?tab=1"}}), 303, "/account?tab=1")
		expect(t, "back in", b.get("/account"), 200, "secret of Alice")

		// Idle timeout: 31 minutes without a request (the 60 s leeway
		// included).
		time.Sleep(32 * time.Minute)
		expect(t, "idle: sensitive route", b.get("/account"), 303, "/reauth?return_to=%2Faccount")
		expect(t, "idle: still remembered", b.get("/"), 200, "remembered Alice")

		// Active all day: a request every 10 minutes keeps the session,
		// until auth_time + 12 h, never later.
		expect(t, "re-authenticate again", b.post("/reauth", url.Values{"password": {"wonderland"}}), 303, "/")
		start := time.Now()
		for time.Since(start) < 12*time.Hour-10*time.Minute {
			time.Sleep(10 * time.Minute)
			if rec := b.get("/account"); rec.Code != http.StatusOK {
				t.Fatalf("active for %v: status %d; the session ended before its absolute lifetime", time.Since(start), rec.Code)
			}
		}
		time.Sleep(11*time.Minute + 2*time.Minute) // past auth_time + 12 h and the leeway
		expect(t, "absolute lifetime despite activity", b.get("/account"), 303, "/reauth?return_to=%2Faccount")
		expect(t, "still remembered", b.get("/"), 200, "remembered Alice")

		expect(t, "logout", b.post("/logout", nil), 303, "/")
		if len(b.cookies) != 0 {
			t.Fatalf("after logout: cookies %v; want none", b.cookies)
		}
		expect(t, "anonymous after logout", b.get("/"), 200, "anonymous ")
		b.restart()
		expect(t, "anonymous after a restart", b.get("/"), 200, "anonymous ")
	})
}

// TestStoryWithoutRemember: a login without "remember me" ends with the
// browser.
func TestStoryWithoutRemember(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		expect(t, "login", b.post("/login", url.Values{"password": {"wonderland"}}), 303, "/")
		if len(b.cookies) != 1 {
			t.Fatalf("cookies %v; want the auth cookie only", b.cookies)
		}
		expect(t, "account", b.get("/account"), 200, "secret of Alice")
		b.restart()
		expect(t, "after restart", b.get("/"), 200, "anonymous ")
		expect(t, "account after restart", b.get("/account"), 303, "/login?return_to=%2Faccount")
	})
}
