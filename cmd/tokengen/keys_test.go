package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/sessionless/sessionless/keyring"
)

// initKey runs init and returns the new key's id.
func (e *env) initKey() string {
	e.t.Helper()
	r := e.cmd("init")
	check(e.t, "init", r, 0, re(`created `+regexp.QuoteMeta(e.path)+` with key `+idRE+` \(primary\)\n`), "")
	ring := e.checkFile()
	if ring.Len() != 1 {
		e.t.Fatalf("init made %d keys", ring.Len())
	}
	return ring.Keys()[0].ID
}

// addedKey returns the key id in rotate's output.
func addedKey(t *testing.T, stdout string) string {
	t.Helper()
	m := regexp.MustCompile(`^added key (` + idRE + `):`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("rotate printed %q; want added key ID", stdout)
	}
	return m[1]
}

func TestInit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0.Add(300 * time.Millisecond)
	id := e.initKey()
	r := e.checkFile(id)
	k, _ := r.Key(id)
	if !k.Created.Equal(t0) || !k.Activates.Equal(t0) {
		t.Errorf("key times = %v, %v; want %v for both", k.Created, k.Activates, t0)
	}
	if p, err := r.Primary(e.now); err != nil || p.ID != id {
		t.Errorf("Primary = %v, %v; want %s", p.ID, err, id)
	}

	// Never overwrite.
	before := e.readFile()
	res := e.cmd("init")
	check(t, "init again", res, 1, "", "tokengen: error: "+e.path+" already exists: refusing to overwrite a keyring\n"+
		"tokengen: hint: add a key to it with: tokengen rotate -keyring "+e.path+"\n")
	if !bytes.Equal(e.readFile(), before) {
		t.Errorf("init overwrote the keyring")
	}
	e.checkFile(id)

	// Not over a dangling symbolic link, nor a folder, nor in a missing folder.
	link := filepath.Join(e.dir, "link.json")
	if err := os.Symlink(filepath.Join(e.dir, "nowhere.json"), link); err != nil {
		t.Fatal(err)
	}
	res = e.exec("", "init", "-keyring", link)
	check(t, "init over a dangling link", res, 1, "", re(`tokengen: error: .*link.json already exists: refusing to overwrite a keyring\ntokengen: hint: .*\n`))
	if _, err := os.Lstat(filepath.Join(e.dir, "nowhere.json")); !os.IsNotExist(err) {
		t.Errorf("init wrote through a dangling link")
	}
	res = e.exec("", "init", "-keyring", e.dir)
	check(t, "init over a folder", res, 1, "", re(`tokengen: error: .* already exists: refusing to overwrite a keyring\ntokengen: hint: .*\n`))
	res = e.exec("", "init", "-keyring", filepath.Join(e.dir, "missing", "keyring.json"))
	check(t, "init in a missing folder", res, 1, "", re(`tokengen: error: keyring: .*missing.*: no such file or directory\n`))
	e.checkNoTemp()
}

// TestBadFile runs every command that loads the keyring on files that do
// not load: exit status 1, the reason, and no change.
func TestBadFile(t *testing.T) {
	t.Parallel()
	secret := base64.RawURLEncoding.EncodeToString(secretBytes(9))
	loaders := [][]string{
		{"rotate"}, {"list"}, {"promote", "-kid", "k1"}, {"retire", "-kid", "k1"}, {"revoke"},
		{"seal", "-purpose", "auth", "{}"}, {"open", "-purpose", "auth", "tok"},
		{"export-key", "-kid", "k1", "-purpose", "auth", "-unsafe-print-secret"},
	}
	tests := []struct {
		name    string
		content string // "" for no file
		stderr  func(path string) string
	}{
		{"missing", "", func(p string) string {
			return "tokengen: error: keyring file " + p + " does not exist\ntokengen: hint: create one with: tokengen init -keyring " + p + "\n"
		}},
		{"not JSON", "secret: " + secret, func(p string) string {
			return "tokengen: error: " + p + ": keyring: invalid keyring: JSON syntax error at byte 0\n"
		}},
		{"empty", " ", func(p string) string {
			return "tokengen: error: " + p + ": keyring: invalid keyring: truncated document\n"
		}},
		{"no keys", `{"version":1,"keys":[]}`, func(p string) string {
			return "tokengen: error: " + p + ": keyring: invalid keyring: no keys\n"
		}},
		{"secret in the id", `{"version":1,"keys":[{"id":"` + secret + `","secret":"` + secret + `","created":"2026-01-01T00:00:00Z","activates":"2026-01-01T00:00:00Z"}]}`, func(p string) string {
			return "tokengen: error: " + p + ": keyring: invalid keyring: key 0: the id does not match [A-Za-z0-9_-]{1,32}\n"
		}},
		{"short secret", `{"version":1,"keys":[{"id":"k1","secret":"` + secret[:40] + `","created":"2026-01-01T00:00:00Z","activates":"2026-01-01T00:00:00Z"}]}`, func(p string) string {
			return "tokengen: error: " + p + ": keyring: invalid keyring: key \"k1\": the secret must be 32 bytes in unpadded base64url (43 characters)\n"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if tt.content != "" {
				if err := os.WriteFile(e.path, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for _, args := range loaders {
				r := e.cmd(args[0], args[1:]...)
				check(t, "tokengen "+strings.Join(args, " "), r, 1, "", tt.stderr(e.path))
				if strings.Contains(r.stderr, secret[:20]) {
					t.Errorf("%s: the error echoes the file's secret", args[0])
				}
			}
			if tt.content == "" {
				if _, err := os.Stat(e.path); !os.IsNotExist(err) {
					t.Errorf("a command created the missing file")
				}
			} else if got := string(e.readFile()); got != tt.content {
				t.Errorf("a command changed the bad file")
			}
			e.checkNoTemp()
		})
	}
	t.Run("folder", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		if err := os.Mkdir(e.path, 0o700); err != nil {
			t.Fatal(err)
		}
		r := e.cmd("list")
		check(t, "list a folder", r, 1, "", "tokengen: error: keyring: "+e.path+" is not a regular file\n")
	})
}

func TestList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	table := `ID    STATE      CREATED               ACTIVATES             SUPERSEDED
old   droppable  2026-08-25T07:00:00Z  2026-08-25T07:00:00Z  2026-10-14T07:00:00Z
cur   primary    2026-10-14T06:00:00Z  2026-10-14T07:00:00Z  -
next  pending    2026-11-23T06:00:00Z  2026-11-23T08:00:00Z  -
`
	check(t, "list", e.cmd("list"), 0, table, "")
	check(t, "list -max-token-age 31d", e.cmd("list", "-max-token-age", "31d"), 0, table, "")
	check(t, "list -max-token-age 1000h", e.cmd("list", "-max-token-age", "1000h"), 0, `ID    STATE    CREATED               ACTIVATES             SUPERSEDED
old   live     2026-08-25T07:00:00Z  2026-08-25T07:00:00Z  2026-10-14T07:00:00Z
cur   primary  2026-10-14T06:00:00Z  2026-10-14T07:00:00Z  -
next  pending  2026-11-23T06:00:00Z  2026-11-23T08:00:00Z  -
`, "")
	check(t, "list -json", e.cmd("list", "-json"), 0, `{
  "keys": [
    {
      "id": "old",
      "created": "2026-08-25T07:00:00Z",
      "activates": "2026-08-25T07:00:00Z",
      "state": "droppable",
      "superseded": "2026-10-14T07:00:00Z"
    },
    {
      "id": "cur",
      "created": "2026-10-14T06:00:00Z",
      "activates": "2026-10-14T07:00:00Z",
      "state": "primary"
    },
    {
      "id": "next",
      "created": "2026-11-23T06:00:00Z",
      "activates": "2026-11-23T08:00:00Z",
      "state": "pending"
    }
  ]
}
`, "")

	// An hour later, next is primary and cur live; revoke_before shows.
	e.now = t0.Add(time.Hour)
	check(t, "revoke", e.cmd("revoke", "-before", "2026-11-23T07:30:00+01:00"), 0, "revoke_before: 2026-11-23T06:30:00Z: tokens issued before it no longer open\n", "")
	check(t, "list later", e.cmd("list"), 0, `ID    STATE      CREATED               ACTIVATES             SUPERSEDED
old   droppable  2026-08-25T07:00:00Z  2026-08-25T07:00:00Z  2026-10-14T07:00:00Z
cur   live       2026-10-14T06:00:00Z  2026-10-14T07:00:00Z  2026-11-23T08:00:00Z
next  primary    2026-11-23T06:00:00Z  2026-11-23T08:00:00Z  -
revoke_before: 2026-11-23T06:30:00Z
`, "")
	var got struct {
		Keys         []keyring.KeyStatus `json:"keys"`
		RevokeBefore time.Time           `json:"revoke_before"`
	}
	r := e.cmd("list", "-json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got.Keys) != 3 || got.Keys[2].Stage != keyring.StagePrimary {
		t.Errorf("list -json = %q, %v; want three keys, next primary", r.stdout, err)
	}
	if want := time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC); !got.RevokeBefore.Equal(want) {
		t.Errorf("list -json: revoke_before = %v; want %v", got.RevokeBefore, want)
	}

	// A ring with no active key warns.
	e2 := newEnv(t)
	e2.now = t0
	e2.write(time.Time{}, fixedKey(t, "later", 4, t0, t0.Add(time.Minute)))
	check(t, "list pending only", e2.cmd("list"), 0, `ID     STATE    CREATED               ACTIVATES             SUPERSEDED
later  pending  2026-11-23T07:00:00Z  2026-11-23T07:01:00Z  -
`, "tokengen: warning: no key is active yet: nothing can be sealed until the first one activates (or promote one)\n")
}

func TestRotate(t *testing.T) {
	t.Parallel()

	t.Run("staged", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.fixture()
		r := e.cmd("rotate", "-activate-in", "2h")
		check(t, "rotate", r, 0, re(`added key `+idRE+`: pending, activates 2026-11-23T09:00:00Z \(in 2h0m0s\)\ndropped key old \(superseded 2026-10-14T07:00:00Z\)\n`), "")
		id := addedKey(t, r.stdout)
		ring := e.checkFile("cur", "next", id)
		k, _ := ring.Key(id)
		if !k.Created.Equal(t0) || !k.Activates.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("new key times = %v, %v", k.Created, k.Activates)
		}
		// The old keys and their secrets are untouched.
		for _, id := range []string{"cur", "next"} {
			k, _ := ring.Key(id)
			want, _ := keyring.NewSecret(secretBytes(map[string]int{"cur": 2, "next": 3}[id]))
			if !k.Secret.Equal(want) {
				t.Errorf("key %s changed its secret", id)
			}
		}
	})

	t.Run("default delay and a later pending key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0.Add(-30 * time.Minute)
		e.fixture()
		r := e.cmd("rotate", "-max-token-age", "100d")
		check(t, "rotate", r, 0, re(`added key (`+idRE+`): pending, activates 2026-11-23T07:30:00Z \(in 1h0m0s\)\n`),
			re(`tokengen: warning: key next activates later \(2026-11-23T08:00:00Z\) and will take over from key `+idRE+` then\n`))
		e.checkFile("old", "cur", "next", addedKey(t, r.stdout))
	})

	// Keys activate on whole seconds, so an hour's delay is an hour and a
	// fraction of a second: rotate says "in 1h0m0s".
	t.Run("the delay is printed for humans", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.initKey()
		e.now = t0.Add(5*time.Second + 247*time.Millisecond)
		r := e.cmd("rotate", "-activate-in", "1h")
		check(t, "rotate", r, 0, re(`added key `+idRE+`: pending, activates 2026-11-23T08:00:06Z \(in 1h0m0s\)\n`), "")
	})

	t.Run("short delay is rounded up", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.initKey()
		// 07:00:00.7 + 400ms = 07:00:01.1: the key must not activate at
		// 07:00:01, before the delay has passed.
		e.now = t0.Add(700 * time.Millisecond)
		r := e.cmd("rotate", "-activate-in", "400ms")
		check(t, "rotate", r, 0, re(`added key `+idRE+`: pending, activates 2026-11-23T07:00:02Z \(in 1.3s\)\n`),
			re(`tokengen: warning: -activate-in 400ms is short: a server that has not loaded the file when key `+idRE+` activates cannot open its tokens\n`))
	})

	t.Run("activate now", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		old := e.initKey()
		e.now = t0.Add(5*time.Second + 500*time.Millisecond)
		r := e.cmd("rotate", "-activate-in", "0")
		check(t, "rotate", r, 0, re(`added key `+idRE+`: primary from 2026-11-23T07:00:05Z\n`), "")
		id := addedKey(t, r.stdout)
		ring := e.checkFile(old, id)
		if p, _ := ring.Primary(e.now); p.ID != id {
			t.Errorf("primary = %s; want the new key %s", p.ID, id)
		}
	})

	// Keys activating in the same second are ordered as added: the new key
	// is primary at once (issue 14), whatever the random ids. (Ordered by
	// id, half of these rotations would leave the old key primary.)
	t.Run("same second as the previous key", func(t *testing.T) {
		t.Parallel()
		for i := range 16 {
			e := newEnv(t)
			e.now = t0
			old := e.initKey()
			e.now = t0.Add(278 * time.Millisecond)
			r := e.cmd("rotate", "-activate-in", "0")
			check(t, "rotate", r, 0, re(`added key `+idRE+`: primary from 2026-11-23T07:00:00Z\n`), "")
			id := addedKey(t, r.stdout)
			ring := e.checkFile(old, id)
			// Even a retire of the old key right after (it refused when the
			// new key was pending).
			check(t, "retire", e.cmd("retire", "-kid", old), 0, "retired key "+old+": the tokens it sealed no longer open\nprimary key: "+id+"\n", "")
			for _, at := range []time.Time{t0, t0.Add(time.Second), t0.Add(time.Hour)} {
				if p, _ := ring.Primary(at); p.ID != id {
					t.Fatalf("round %d: primary at %v = %s; want the new key %s", i, at, p.ID, id)
				}
			}
		}
	})
}

// TestActivation checks the rounding of rotate's activation time for many
// clocks and delays: never before now+delay, within a second of it.
func TestActivation(t *testing.T) {
	t.Parallel()
	activation := func(r *keyring.Ring, now time.Time, d time.Duration) time.Time {
		t.Helper()
		_, res, err := r.Rotate(now, d, defaultMaxTokenAge)
		if err != nil {
			t.Fatal(err)
		}
		return res.Added.Activates
	}
	s, _ := keyring.NewSecret(secretBytes(1))
	ring, err := keyring.New([]keyring.Key{{ID: "k", Secret: s, Created: t0, Activates: t0}}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, frac := range []time.Duration{0, 1, 100 * time.Millisecond, 999999999} {
		for _, d := range []time.Duration{time.Nanosecond, 400 * time.Millisecond, time.Second, time.Minute + 1, time.Hour} {
			now := t0.Add(3*time.Second + frac)
			at := activation(ring, now, d)
			if at.Before(now.Add(d)) || !at.Before(now.Add(d+time.Second)) || at.Nanosecond() != 0 {
				t.Errorf("activation(now %v, delay %v) = %v; want the next whole second at or after %v", now, d, at, now.Add(d))
			}
		}
		if at := activation(ring, t0.Add(frac), 0); !at.Equal(t0) {
			t.Errorf("activation(now %v, 0) = %v; want now, in whole seconds, like the current key (the later key wins the tie)", t0.Add(frac), at)
		}
		if at := activation(ring, t0.Add(time.Second+frac), 0); !at.Equal(t0.Add(time.Second)) {
			t.Errorf("activation(now %v, 0) = %v; want now, in whole seconds", t0.Add(time.Second+frac), at)
		}
	}
}

func TestPromote(t *testing.T) {
	t.Parallel()

	t.Run("pending", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0.Add(250 * time.Millisecond)
		e.fixture()
		check(t, "promote", e.cmd("promote", "-kid", "next"), 0, "promoted key next: primary from 2026-11-23T07:00:00Z\n", "")
		ring := e.checkFile("old", "cur", "next")
		if p, _ := ring.Primary(e.now); p.ID != "next" {
			t.Errorf("primary = %s; want next", p.ID)
		}
		check(t, "promote again", e.cmd("promote", "-kid", "next"), 0, "key next is already the primary key\n", "")
	})

	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.fixture()
		before := e.readFile()
		check(t, "promote primary", e.cmd("promote", "-kid", "cur"), 0, "key cur is already the primary key\n", "")
		check(t, "promote superseded", e.cmd("promote", "-kid", "old"), 1, "", "tokengen: error: key old is not pending: it was superseded at 2026-10-14T07:00:00Z (promote makes a pending key primary; rotate adds a new one)\n")
		check(t, "promote unknown", e.cmd("promote", "-kid", "nope"), 1, "", "tokengen: error: keyring: unknown key id \"nope\"\ntokengen: hint: the keyring has keys old, cur, next\n")
		if !bytes.Equal(e.readFile(), before) {
			t.Errorf("a promote that did nothing wrote the file")
		}
	})

	t.Run("a later pending key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.fixture()
		id := addedKey(t, e.cmd("rotate", "-activate-in", "2h").stdout)
		check(t, "promote", e.cmd("promote", "-kid", "next"), 0, "promoted key next: primary from 2026-11-23T07:00:00Z\n",
			"tokengen: warning: key "+id+" activates later (2026-11-23T09:00:00Z) and will take over from key next then\n")
		ring := e.checkFile("cur", "next", id)
		for at, want := range map[time.Time]string{t0: "next", t0.Add(2 * time.Hour): id} {
			if p, _ := ring.Primary(at); p.ID != want {
				t.Errorf("primary at %v = %s; want %s", at, p.ID, want)
			}
		}
	})

	// As for rotate: a key created in the same second as the primary, and
	// promoted in the second it activated, would tie with it.
	t.Run("same second", func(t *testing.T) {
		t.Parallel()
		for i := range 16 {
			e := newEnv(t)
			e.now = t0
			old := e.initKey()
			id := addedKey(t, e.cmd("rotate").stdout)
			check(t, "promote", e.cmd("promote", "-kid", id), 0, "promoted key "+id+": primary from 2026-11-23T07:00:00Z\n", "")
			ring := e.checkFile(old, id)
			if p, _ := ring.Primary(t0); p.ID != id {
				t.Fatalf("round %d: primary = %s; want the promoted key %s", i, p.ID, id)
			}
		}
	})
}

func TestRetire(t *testing.T) {
	t.Parallel()

	t.Run("only key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		id := e.initKey()
		before := e.readFile()
		check(t, "retire", e.cmd("retire", "-kid", id), 1, "", "tokengen: error: keyring: refusing to retire \""+id+"\", the only key\n")
		if !bytes.Equal(e.readFile(), before) {
			t.Errorf("a refused retire wrote the file")
		}
	})

	t.Run("primary while the other key is pending", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		old := e.initKey()
		id := addedKey(t, e.cmd("rotate").stdout)
		before := e.readFile()
		check(t, "retire", e.cmd("retire", "-kid", old), 1, "",
			"tokengen: error: keyring: refusing to retire \""+old+"\": no other key is active yet (promote one first)\n"+
				"tokengen: hint: make the pending key "+id+" primary first: tokengen promote -kid "+id+"\n")
		if !bytes.Equal(e.readFile(), before) {
			t.Errorf("a refused retire wrote the file")
		}
		// The documented way out.
		e.now = t0.Add(2 * time.Second)
		check(t, "promote", e.cmd("promote", "-kid", id), 0, "promoted key "+id+": primary from 2026-11-23T07:00:02Z\n", "")
		check(t, "retire", e.cmd("retire", "-kid", old), 0, "retired key "+old+": the tokens it sealed no longer open\nprimary key: "+id+"\n", "")
		e.checkFile(id)
	})

	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.fixture()
		check(t, "retire", e.cmd("retire", "-kid", "nope"), 1, "", "tokengen: error: keyring: unknown key id \"nope\"\ntokengen: hint: the keyring has keys old, cur, next\n")
	})

	t.Run("each key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.fixture()
		check(t, "retire old", e.cmd("retire", "-kid", "old"), 0, "retired key old: the tokens it sealed no longer open\nprimary key: cur\n", "")
		e.checkFile("cur", "next")
		check(t, "retire next", e.cmd("retire", "-kid", "next"), 0, "retired key next: the tokens it sealed no longer open\nprimary key: cur\n", "")
		e.checkFile("cur")
		check(t, "retire cur", e.cmd("retire", "-kid", "cur"), 1, "", "tokengen: error: keyring: refusing to retire \"cur\", the only key\n")
		e.checkFile("cur")
	})

	t.Run("the primary, with an older key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.now = t0
		e.fixture()
		check(t, "retire cur", e.cmd("retire", "-kid", "cur"), 0, "retired key cur: the tokens it sealed no longer open\nprimary key: old\n", "")
		e.checkFile("old", "next")
	})
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0.Add(300 * time.Millisecond)
	e.fixture()
	revokeBefore := func() time.Time {
		t.Helper()
		return e.checkFile("old", "cur", "next").RevokeBefore()
	}

	check(t, "revoke -clear, none set", e.cmd("revoke", "-clear"), 0, "no revoke_before is set\n", "")
	// Now, rounded up to a whole second: tokens carry whole seconds.
	check(t, "revoke", e.cmd("revoke"), 0, "revoke_before: 2026-11-23T07:00:01Z: tokens issued before it no longer open\n", "")
	if got := revokeBefore(); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("revoke_before = %v; want %v", got, t0.Add(time.Second))
	}
	check(t, "revoke -before now", e.cmd("revoke", "-before", "now"), 0, "revoke_before: 2026-11-23T07:00:01Z: tokens issued before it no longer open\n", "")
	// Up to a minute ahead is allowed (clock differences).
	check(t, "revoke -before soon", e.cmd("revoke", "-before", "2026-11-23T07:01:00Z"), 0, "revoke_before: 2026-11-23T07:01:00Z: tokens issued before it no longer open\n", "")
	check(t, "revoke -before earlier", e.cmd("revoke", "-before", "2026-11-23T06:00:00Z"), 0, "revoke_before: 2026-11-23T06:00:00Z: tokens issued before it no longer open\n",
		"tokengen: warning: revoke_before moved back from 2026-11-23T07:01:00Z: tokens issued between the two times open again\n")
	if got := revokeBefore(); !got.Equal(t0.Add(-time.Hour)) {
		t.Errorf("revoke_before = %v; want %v", got, t0.Add(-time.Hour))
	}
	check(t, "revoke -clear", e.cmd("revoke", "-clear"), 0, "cleared revoke_before (was 2026-11-23T06:00:00Z): older tokens open again until they expire\n", "")
	if got := revokeBefore(); !got.IsZero() {
		t.Errorf("revoke_before = %v after -clear", got)
	}
	if strings.Contains(string(e.readFile()), "revoke_before") {
		t.Errorf("the file still names revoke_before after -clear")
	}
}

func TestExportKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	ring := e.fixture()
	for _, purpose := range []string{"auth", "remember", "email-verify"} {
		key, err := ring.UnsafeExportPurposeKey("cur", purpose)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"kty":"oct","k":"` + base64.RawURLEncoding.EncodeToString(key) + `","kid":"cur","alg":"A256KW"}` + "\n"
		r := e.cmd("export-key", "-kid", "cur", "-purpose", purpose, "-unsafe-print-secret")
		check(t, "export-key "+purpose, r, 0, want, "")

		// Another JOSE implementation opens tokengen's token with it.
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON([]byte(r.stdout)); err != nil {
			t.Fatalf("the JWK does not parse: %v", err)
		}
		tok := strings.TrimSpace(e.cmd("seal", "-purpose", purpose, `{"uid":42}`).stdout)
		jwe, err := jose.ParseEncryptedCompact(tok, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			t.Fatalf("go-jose cannot parse the token: %v", err)
		}
		pt, err := jwe.Decrypt(jwk)
		if err != nil {
			t.Fatalf("go-jose cannot open the token with the exported key: %v", err)
		}
		if !bytes.Contains(pt, []byte(`"data":{"uid":42}`)) {
			t.Errorf("go-jose opened %q", pt)
		}
	}
	check(t, "export-key unknown", e.cmd("export-key", "-kid", "nope", "-purpose", "auth", "-unsafe-print-secret"), 1, "",
		"tokengen: error: keyring: unknown key id \"nope\"\ntokengen: hint: the keyring has keys old, cur, next\n")

	// Without -kid, the primary key: cur now, next once it activated.
	for at, want := range map[time.Time]string{t0: "cur", t0.Add(time.Hour): "next"} {
		e.now = at
		key, err := ring.UnsafeExportPurposeKey(want, "auth")
		if err != nil {
			t.Fatal(err)
		}
		check(t, "export-key at "+formatTime(at), e.cmd("export-key", "-purpose", "auth", "-unsafe-print-secret"), 0,
			`{"kty":"oct","k":"`+base64.RawURLEncoding.EncodeToString(key)+`","kid":"`+want+`","alg":"A256KW"}`+"\n", "")
	}
	// No primary key yet: name one.
	e2 := newEnv(t)
	e2.now = t0
	e2.write(time.Time{}, fixedKey(t, "later", 4, t0, t0.Add(time.Minute)))
	check(t, "export-key, no primary", e2.cmd("export-key", "-purpose", "auth", "-unsafe-print-secret"), 1, "",
		"tokengen: error: no key is active yet, so there is no primary key to export\ntokengen: hint: name a pending key with -kid (key later)\n")
}

// TestFileMode: tokengen loads a keyring file by the library's rule
// (keyring.CheckFileMode, docs/attacks.md C11): refused with the rule's
// message and a hint, loaded with a warning under -insecure-allow-readable,
// and loaded silently when the rule accepts it. The test's files belong
// to the process's user: 0640 passes only for root (a root-owned file
// whose group may read it).
func TestFileMode(t *testing.T) {
	t.Parallel()
	root := os.Geteuid() == 0
	for _, tt := range []struct {
		mode    os.FileMode
		refused bool
	}{
		{0o600, false},
		{0o400, false},
		{0o640, !root},
		{0o440, !root},
		{0o644, true}, // Kubernetes' default mode
		{0o604, true},
		{0o660, true},
		{0o620, true},
		{0o606, true},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.now = t0
			e.fixture()
			if err := os.Chmod(e.path, tt.mode); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(e.path)
			if err != nil {
				t.Fatal(err)
			}
			rule := keyring.CheckFileMode(e.path, fi)
			if (rule != nil) != tt.refused {
				t.Fatalf("keyring.CheckFileMode = %v; this test expects refused = %v", rule, tt.refused)
			}
			if !tt.refused {
				check(t, "list", e.cmd("list"), 0, re(`ID .*`), "")
				check(t, "seal", e.cmd("seal", "-purpose", "auth", "{}"), 0, tokenRE, "")
				e.checkMode(tt.mode)
				return
			}
			refused := "tokengen: error: " + rule.Error() + "\ntokengen: hint: -insecure-allow-readable loads it anyway, with a warning\n"
			for _, args := range [][]string{{"list"}, {"rotate"}, {"seal", "-purpose", "auth", "{}"}, {"revoke"}, {"export-key", "-purpose", "auth", "-unsafe-print-secret"}} {
				check(t, args[0], e.cmd(args[0], args[1:]...), 1, "", refused)
			}
			warning := "tokengen: warning: loaded anyway (-insecure-allow-readable): " + rule.Error() + "\n"
			check(t, "list -insecure-allow-readable", e.cmd("list", "-insecure-allow-readable"), 0, re(`ID .*`), warning)
			check(t, "seal -insecure-allow-readable", e.cmd("seal", "-insecure-allow-readable", "-purpose", "auth", "{}"), 0, tokenRE, warning)
			e.checkMode(tt.mode)
		})
	}
}

// TestWriteMode: a write keeps a mode the permission rule accepts (as
// keyring.Save does), and makes any other 0600, saying so when the group
// or others lose access: a server that read it so no longer can.
func TestWriteMode(t *testing.T) {
	t.Parallel()
	for _, mode := range []os.FileMode{0o600, 0o400, 0o640, 0o644, 0o660} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.now = t0
			e.fixture()
			if err := os.Chmod(e.path, mode); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(e.path)
			if err != nil {
				t.Fatal(err)
			}
			want, note := mode, ""
			if keyring.CheckFileMode(e.path, fi) != nil {
				want = 0o600
				note = "tokengen: warning: " + e.path + " was mode " + strconvOctal(mode) + " and is now 0600: a server that reads it as its group or as another user can no longer load it\n"
			}
			r := e.cmd("rotate", "-insecure-allow-readable")
			check(t, "rotate -insecure-allow-readable", r, 0, re(`added key .*`), re(`(tokengen: warning: loaded anyway .*\n)?`+regexp.QuoteMeta(note)))
			e.checkFileMode(want)
		})
	}
}

// checkMode checks that the keyring file still has mode m: a read never
// changes it.
func (e *env) checkMode(m os.FileMode) {
	e.t.Helper()
	if fi, err := os.Stat(e.path); err != nil || fi.Mode().Perm() != m {
		e.t.Errorf("the mode changed: %v, %v; want %v", fi.Mode(), err, m)
	}
}

func strconvOctal(m os.FileMode) string {
	return fmt.Sprintf("%04o", uint32(m.Perm()))
}

// TestSymlink checks that a write replaces the file a symbolic link points
// to, not the link.
func TestSymlink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	realDir := filepath.Join(e.dir, "real")
	if err := os.Mkdir(realDir, 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(realDir, "keyring.json")
	if err := os.Symlink(target, e.path); err != nil {
		t.Fatal(err)
	}
	check(t, "init through a dangling link", e.cmd("init"), 1, "", re(`tokengen: error: .* already exists: .*\n.*\n`))
	e2 := &env{t: t, dir: realDir, path: target, now: t0}
	e2.fixture()
	r := e.cmd("rotate")
	check(t, "rotate through a link", r, 0, re(`added key .*`), "")
	if fi, err := os.Lstat(e.path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	e2.checkFile("cur", "next", addedKey(t, r.stdout))
	e.checkNoTemp()
}
