package cookie

import (
	"net/http"
	"strings"
	"testing"
)

var lookupSeeds = []string{
	"__Host-auth=abc",
	"__Host-auth=abc; __Host-auth=def",
	"a=1; __Host-auth=x; b=2",
	`__Host-auth="quoted"`,
	`__Host-auth="`,
	`__Host-auth=""`,
	" __Host-auth = spaced ; x=y",
	"\t__Host-auth=tab\t",
	"__HOST-auth=case",
	"=__Host-auth=x",
	";;;",
	"__Host-auth",
	"__Host-auth=",
	"__Host-auth=a b,c",
	"__Host-auth=bad\\byte",
	"__Host-auth=é",
	"__Host-auth=a\x7f",
	"x=" + strings.Repeat(";", 3001),
	strings.Repeat("a=b;", 3000) + "__Host-auth=x",
}

// lookup reads the cookies named name with the scanner, as Read reads its
// base cookie: the first value, whether it was quoted, whether it is
// strict, and how many there were.
func lookup(r *http.Request, name string) (value string, quoted, strict bool, n int) {
	var m match
	s := scanCookies(r)
	for s.pass() {
		m = match{}
		for nm, more := s.next(); more; nm, more = s.next() {
			if nm == name {
				m.add(&s)
			}
		}
	}
	return m.value, m.quoted, m.strict, m.n
}

// check compares lookup with net/http's own parser on one request.
func checkLookup(t *testing.T, lines []string, name string) {
	t.Helper()
	r := &http.Request{Header: http.Header{"Cookie": lines}}
	want := r.CookiesNamed(name)
	v, q, strict, n := lookup(r, name)
	if n > 0 && strict != validValue(v) {
		t.Fatalf("lookup(%q, %q): strict=%v for %q", lines, name, strict, v)
	}
	if n != len(want) {
		t.Fatalf("lookup(%q, %q) found %d; net/http %d", lines, name, n, len(want))
	}
	if n > 0 && (v != want[0].Value || q != want[0].Quoted) {
		t.Fatalf("lookup(%q, %q) = %q quoted=%v; net/http %q quoted=%v", lines, name, v, q, want[0].Value, want[0].Quoted)
	}
}

func TestLookupMatchesNetHTTP(t *testing.T) {
	t.Parallel()
	for _, s := range lookupSeeds {
		checkLookup(t, []string{s}, "__Host-auth")
		checkLookup(t, []string{s, s}, "__Host-auth")
		checkLookup(t, []string{"a=1", s}, "a")
	}
}

func TestLookupNoAllocs(t *testing.T) {
	r := &http.Request{Header: http.Header{"Cookie": {"a=1; __Host-auth=" + strings.Repeat("x", 900) + "; __Host-remember=y"}}}
	if a := testing.AllocsPerRun(100, func() { lookup(r, "__Host-auth") }); a != 0 {
		t.Errorf("lookup allocates %v times; want 0", a)
	}
}

// FuzzLookup checks the allocation-free reader against net/http's
// Request.CookiesNamed on arbitrary Cookie headers.
func FuzzLookup(f *testing.F) {
	for _, s := range lookupSeeds {
		f.Add(s, "", "__Host-auth")
	}
	f.Add("a=1", "a=2", "a")
	f.Fuzz(func(t *testing.T, line1, line2, name string) {
		if !isToken(name) {
			return
		}
		lines := []string{line1}
		if line2 != "" {
			lines = append(lines, line2)
		}
		checkLookup(t, lines, name)
	})
}

// TestInvalidByte checks the eight-bytes-at-a-time scan against the table,
// for every byte value at every position of words and tails.
func TestInvalidByte(t *testing.T) {
	t.Parallel()
	base := strings.Repeat("abcdefgh-_.", 3)
	for n := 0; n <= len(base); n++ {
		for pos := 0; pos < n; pos++ {
			for b := 0; b < 256; b++ {
				v := []byte(base[:n])
				v[pos] = byte(b)
				want := -1
				for i := range v {
					if !cookieOctet[v[i]] {
						want = i
						break
					}
				}
				if got := invalidByte(string(v)); got != want {
					t.Fatalf("invalidByte(%q) = %d; want %d", v, got, want)
				}
			}
		}
	}
}
