package cookie_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sessionless/sessionless/cookie"
)

func ExampleNew() {
	// The zero Config but for the name: Secure, HttpOnly, Path=/, host-only,
	// SameSite=Lax, up to four chunks.
	auth, err := cookie.New(cookie.Config{Name: "__Host-auth"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth.Name(), auth.MaxValueLen())

	// A __Host- cookie cannot have a Domain: New says which field is wrong.
	_, err = cookie.New(cookie.Config{Name: "__Host-auth", Domain: "example.com"})
	fmt.Println(errors.Is(err, cookie.ErrConfig))
	fmt.Println(err)
	// Output:
	// __Host-auth 15944
	// true
	// cookie: invalid config: Domain must be empty for the __Host- name "__Host-auth"
}

func ExampleCookie_Write() {
	remember, err := cookie.New(cookie.Config{Name: "__Host-remember"})
	if err != nil {
		log.Fatal(err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "https://example.com/login", nil)
	if err := remember.Write(w, r, "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d", 30*24*time.Hour); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Set-Cookie:", w.Header().Get("Set-Cookie"))
	fmt.Println("Cache-Control:", w.Header().Get("Cache-Control"))
	fmt.Println("Vary:", w.Header().Get("Vary"))

	// A value that does not fit is refused before anything is written.
	err = remember.Write(httptest.NewRecorder(), r, string(make([]byte, 20000)), 0)
	fmt.Println(errors.Is(err, cookie.ErrTooLarge))
	// Output:
	// Set-Cookie: __Host-remember=eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax
	// Cache-Control: no-store
	// Vary: Cookie
	// true
}

func ExampleCookie_Read() {
	auth, err := cookie.New(cookie.Config{Name: "__Host-auth"})
	if err != nil {
		log.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	r.Header.Set("Cookie", "theme=dark; __Host-auth=eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d")
	v, err := auth.Read(r)
	fmt.Println(v, err)

	// The same name twice: someone may have planted one of them.
	r.Header.Set("Cookie", "__Host-auth=one; __Host-auth=two")
	_, err = auth.Read(r)
	fmt.Println(errors.Is(err, cookie.ErrAmbiguous))

	r.Header.Del("Cookie")
	_, err = auth.Read(r)
	fmt.Println(errors.Is(err, cookie.ErrNotFound))
	// Output:
	// eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d <nil>
	// true
	// true
}

func ExampleCookie_Delete() {
	auth, err := cookie.New(cookie.Config{Name: "__Host-auth"})
	if err != nil {
		log.Fatal(err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "https://example.com/logout", nil)
	r.Header.Set("Cookie", "__Host-auth=chunks-2; __Host-auth.1=abc; __Host-auth.2=def")
	auth.Delete(w, r)
	for _, line := range w.Header().Values("Set-Cookie") {
		fmt.Println(line)
	}
	// Output:
	// __Host-auth=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// __Host-auth.1=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// __Host-auth.2=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax
}
