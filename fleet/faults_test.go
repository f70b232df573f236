//go:build linux

package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// faultReport is one injected fault, with its times in seconds since the
// load started.
type faultReport struct {
	Name    string   `json:"name"`
	Planned float64  `json:"planned_s"`
	Start   float64  `json:"start_s"`
	End     float64  `json:"end_s"`
	Notes   []string `json:"notes"` // the timeline
	Error   string   `json:"error,omitempty"`
}

func (r *faultReport) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// The servers the faults pick.
const (
	killedServer = 1
	skewedServer = 2
)

// faults are injected in this order at these fractions of the duration,
// each after the one before has finished.
var faults = []struct {
	name string
	at   float64
	run  func(f *fleet, t0 time.Time, r *faultReport) error
}{
	{"rolling-deploy", 0.10, (*fleet).faultRollingDeploy},
	{"garbage-keyring", 0.40, (*fleet).faultGarbage},
	{"kill-restart", 0.60, (*fleet).faultKill},
	{"clock-skew", 0.80, (*fleet).faultSkew},
}

// runFaults injects the faults in order, each at its fraction of d or
// when the one before has finished, whichever is later.
func (f *fleet) runFaults(ctx context.Context, t0 time.Time, d time.Duration) []faultReport {
	var reports []faultReport
	for _, fl := range faults {
		at := t0.Add(time.Duration(fl.at * float64(d)))
		select {
		case <-time.After(time.Until(at)):
		case <-ctx.Done():
			return reports
		}
		r := faultReport{Name: fl.name, Planned: since(t0, at), Start: since(t0, time.Now())}
		if err := fl.run(f, t0, &r); err != nil {
			r.Error = err.Error()
			f.t.Errorf("fault %s: %v", fl.name, err)
		}
		r.End = since(t0, time.Now())
		reports = append(reports, r)
	}
	return reports
}

// minReady is how long a new server serves before the rolling deploy
// replaces the next (Kubernetes' minReadySeconds): it spreads the deploy
// over more than the rotation's activateIn, so the key activates during it.
const minReady = time.Second

// rotation is the key the rotation added, and when it activates.
type rotation struct {
	key       string
	activates time.Time
}

// faultRollingDeploy delivers a staged rotation through the Secret
// volume's ..data swap and, while it propagates and activates, replaces
// the servers one at a time (drained, stopped gracefully, started) with
// the build whose payload gained a field, then with the one whose payload
// lost one.
func (f *fleet) faultRollingDeploy(t0 time.Time, r *faultReport) error {
	if err := f.stageRotation(t0, r); err != nil {
		return err
	}
	act := f.rot.activates
	// The rolling deploy starts at once; the propagation is watched beside
	// it (a replaced server loads the file as it starts).
	type result struct {
		seen []float64
		err  error
	}
	loaded := make(chan result, 1)
	go func() {
		seen, err := f.waitFigures(t0, "a ring of 2 keys", func(_ int, fig serverFigures) bool { return fig.Demo.KeyringKeys == 2 })
		loaded <- result{seen, err}
	}()
	noted := false
	for _, build := range []string{buildGained, buildLost} {
		for i, s := range f.servers {
			if err := f.deployTo(s, build, i == 0, t0, r); err != nil {
				return err
			}
			if !noted && time.Now().After(act) {
				noted = true
				r.note("%.2f s: key %s active", since(t0, act), f.rot.key)
			}
		}
	}
	res := <-loaded
	r.note("the new ring (2 keys) in use by each server at %v s", res.seen)
	switch {
	case res.err != nil:
		return res.err
	case slices.Max(res.seen) > since(t0, act):
		// Not a library fault, but the test's premise failed: say so.
		return fmt.Errorf("a server had the rotated file at %.2f s, after the key activated at %.2f s: the machine is too slow for -activate-in %s", slices.Max(res.seen), since(t0, act), activateIn)
	case !noted:
		return fmt.Errorf("the rolling deploy ended at %.2f s, before the key activated at %.2f s: the rotation did not happen during it", since(t0, time.Now()), since(t0, act))
	}
	seen, err := f.waitFigures(t0, "the new key primary", func(_ int, fig serverFigures) bool { return fig.Demo.KeyringPrimary == f.rot.key })
	r.note("key %s primary everywhere (checked at %v s)", f.rot.key, seen)
	return err
}

// stageRotation adds a key that activates in activateIn to the operator's
// copy with tokengen and delivers it through the volume; it sets f.rot.
func (f *fleet) stageRotation(t0 time.Time, r *faultReport) error {
	written := time.Now()
	out, err := f.runTokengen("rotate", "-keyring", f.work, "-activate-in", activateIn)
	if err != nil {
		return err
	}
	m := regexp.MustCompile(`added key (\S+): pending, activates (\S+)`).FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("tokengen rotate said %q; want a pending key", out)
	}
	act, err := time.Parse(time.RFC3339, m[2])
	if err != nil {
		return err
	}
	f.rot = rotation{key: m[1], activates: act}
	if err := f.publishWork(); err != nil {
		return err
	}
	r.note("%.2f s: tokengen rotate -activate-in %s on the operator's copy, delivered by the ..data swap: key %s activates at %.2f s",
		since(t0, written), activateIn, m[1], since(t0, act))
	return nil
}

// deployTo replaces s's process gracefully with the build, checks what
// the build seals on the first server it reaches, and lets it serve for
// minReady before the next replacement.
func (f *fleet) deployTo(s *server, build string, first bool, t0 time.Time, r *faultReport) error {
	if err := f.replace(s, true, build, t0, r); err != nil {
		return err
	}
	if first {
		members, err := f.checkSeals(s, build)
		if err != nil {
			return err
		}
		r.note("a login at %s seals the payload members %q", s.current().p.name, members)
	}
	time.Sleep(minReady)
	return nil
}

// checkSeals logs in at s and opens the auth token it set with tokengen,
// to check that the build s runs seals the payload it should: the member
// gainedJSON only in the gained build, the member of lostField in every
// build but the lost one. It returns the members sealed.
func (f *fleet) checkSeals(s *server, build string) ([]string, error) {
	cookies, err := loginAt(s.addr())
	if err != nil {
		return nil, err
	}
	var tok string
	for _, c := range strings.Split(cookies, "; ") {
		if v, ok := strings.CutPrefix(c, authCookie+"="); ok {
			tok = v
		}
	}
	if tok == "" {
		return nil, fmt.Errorf("a login at %s set no %s cookie in one piece: %q", s.name, authCookie, cookies)
	}
	out, err := f.runTokengen("open", "-keyring", f.work, "-purpose", authPurpose, tok)
	if err != nil {
		return nil, err
	}
	var claims struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(out), &claims); err != nil {
		return nil, fmt.Errorf("tokengen open: %v in %q", err, out)
	}
	members := slices.Sorted(maps.Keys(claims.Data))
	_, gained := claims.Data[gainedJSON]
	_, kept := claims.Data[lostJSON]
	if gained != (build == buildGained) || kept == (build == buildLost) {
		return members, fmt.Errorf("the %s build seals %q: want %q only in the gained build, %q in all but the lost one", build, members, gainedJSON, lostJSON)
	}
	return members, nil
}

// faultGarbage delivers a broken keyring through the volume (a deploy
// gone wrong), then the good one again a few seconds later: every server
// keeps the keys it has, then loads the good file.
func (f *fleet) faultGarbage(t0 time.Time, r *faultReport) error {
	good, err := os.ReadFile(f.work)
	if err != nil {
		return err
	}
	before, err := f.allFigures()
	if err != nil {
		return err
	}
	bad := append(good[:len(good)/2:len(good)/2], "\x00\xff not a keyring: a broken deploy\n"...)
	written := time.Now()
	if err := f.vol.publish(bad); err != nil {
		return err
	}
	r.note("%.2f s: %d bytes of garbage delivered by the ..data swap", since(t0, written), len(bad))
	seen, err := f.waitFigures(t0, "a refused reload", func(i int, fig serverFigures) bool {
		return fig.Demo.ReloadErrors > before[i].Demo.ReloadErrors
	})
	r.note("each server refused it and kept its keys at %v s", seen)
	if err != nil {
		return err
	}
	time.Sleep(time.Until(written.Add(3 * time.Second))) // "a few seconds later"
	if before, err = f.allFigures(); err != nil {
		return err
	}
	restored := time.Now()
	if err := f.vol.publish(good); err != nil {
		return err
	}
	r.note("%.2f s: the good keyring delivered again", since(t0, restored))
	seen, err = f.waitFigures(t0, "a reload", func(i int, fig serverFigures) bool {
		return fig.Demo.Reloads > before[i].Demo.Reloads
	})
	r.note("reloaded by each server at %v s", seen)
	return err
}

// faultKill kills a server with SIGKILL, in the middle of whatever it is
// doing and without draining it, and starts it again a second later:
// HAProxy's health checks and retries do the rest.
func (f *fleet) faultKill(t0 time.Time, r *faultReport) error {
	s := f.servers[killedServer]
	inc := s.current()
	return f.replace(s, false, inc.build, t0, r, inc.args...)
}

// faultSkew restarts a server with its clock 30 s ahead (the demo's
// -clock-skew): tokens it seals are opened by the others and the other way
// round, within the tokens' leeway.
func (f *fleet) faultSkew(t0 time.Time, r *faultReport) error {
	s := f.servers[skewedServer]
	if err := f.replace(s, true, s.current().build, t0, r, "-clock-skew", clockSkew); err != nil {
		return err
	}
	// Whether a visitor's login lands on the skewed server in the time
	// left is chance: log in on each server directly and ask every other
	// one, so that tokens sealed on the skewed clock and opened on it are
	// both checked on every run.
	for _, from := range f.servers {
		c, err := loginAt(from.addr())
		if err != nil {
			return fmt.Errorf("logging in at %s: %v", from.name, err)
		}
		for _, to := range f.servers {
			if level, err := levelAt(to.addr(), c); err != nil || level != authenticated {
				return fmt.Errorf("a login at %s is %q at %s (%v); want %s", from.name, level, to.name, err, authenticated)
			}
		}
	}
	r.note("a login at each server is authenticated at every server")
	return nil
}
