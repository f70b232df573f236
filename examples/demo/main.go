// Command demo is a small site that shows sessionless at work: "remember
// me", a page that needs the password, a page that needs it entered
// recently (sudo mode, -fresh-window), logout, a profile edit that
// re-seals the tokens and says "Profile saved" once, a login through an
// OAuth provider (a stand-in the demo serves itself, with PKCE), a cart
// and a theme for every visitor, logged in or not, and a status line on
// every page that says which tokens the browser holds. From a clone of
// the repository:
//
//	go run ./examples/demo
//
// then open http://127.0.0.1:8080/ and log in as alice / wonderland, or
// with the provider as Bob. GET /api/me says the same as JSON. Stop the
// demo with Ctrl-C; it also stops on SIGTERM, and when the process that
// started it exits, so that killing `go run` by its PID stops it too.
//
// Without -keyring the keys live in memory (one key, active at once) and
// every restart logs everybody out. With -keyring FILE the demo loads that
// keyring file and watches it, so a rotation takes effect without a restart:
//
//	go run ./cmd/tokengen init -keyring keys.json
//	go run ./examples/demo -keyring keys.json
//	go run ./cmd/tokengen rotate -keyring keys.json
//
// The demo speaks plain HTTP. On loopback (127.0.0.1, ::1, localhost) that
// needs no development setting: browsers treat those origins as secure
// contexts and keep the Secure, __Host- cookies. On any other address the
// demo refuses to start unless -insecure-http is given, which drops Secure
// and the __Host- prefix (remember.Config.InsecureHTTP) so the cookies can
// travel over plain HTTP, readable by anyone on the network.
//
// The key-usage figures (tokens sealed, opened and refused per key) are
// published with expvar as "sessionless_keys", and the demo's own (requests
// by status class, refused cookies by reason, keyring reloads; see
// figuresName) as "demo". Both are served at /debug/vars, only when the
// demo listens on loopback and only to loopback clients. GET /healthz
// answers 200 while the keyring has a key to seal with: a load balancer's
// health check.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sessionless/sessionless/examples/demo/site"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

const usage = `Usage:
    demo [-addr HOST:PORT] [-keyring FILE] [-insecure-http] [-clock-skew DUR]
         [-fresh-window DUR]

Options:
    -addr HOST:PORT   Listen there (default 127.0.0.1:8080). A host other
                      than loopback needs -insecure-http.
    -keyring FILE     Use the keyring file FILE and reload it when it
                      changes (made by "tokengen init"). Without it, the
                      keys live in memory and a restart logs everybody out.
    -insecure-http    Allow plain HTTP on a non-loopback address: the
                      cookies lose Secure and the __Host- prefix. For
                      development only; loopback never needs it.
    -clock-skew DUR   Run this server's clock DUR ahead of the system's
                      (behind if negative; at most 1h either way) when it
                      stamps and checks tokens: start two servers on one
                      keyring, one with -clock-skew 30s, to see the tokens'
                      60 s leeway absorb servers whose clocks differ.
                      Default 0.
    -fresh-window DUR
                      The change-password page (sudo mode) wants the
                      password entered within DUR, counted from the
                      entry. Default 5m0s.

Examples:
    $ go run ./examples/demo
    $ go run ./cmd/tokengen init -keyring keys.json
    $ go run ./examples/demo -keyring keys.json -addr 127.0.0.1:9000
    $ go run ./examples/demo -fresh-window 30s

Stop it with Ctrl-C. It also stops on SIGTERM, and within a second when
the process that started it exits (killing "go run" by its PID stops the
demo it runs too).
`

// Server timeouts: a slow client cannot hold a connection open for ever.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10 // the cookies, chunked, fit with room to spare
	shutdownTimeout   = 10 * time.Second
	expvarName        = "sessionless_keys"
)

// maxClockSkew bounds -clock-skew either way (site.Config.ClockSkew).
const maxClockSkew = time.Hour

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, orphaned := untilParentExits(ctx, os.Getppid, parentCheckInterval)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	orphaned()
	stop()
	os.Exit(code)
}

// options are the command line.
type options struct {
	addr         string
	keyringFile  string
	insecureHTTP bool
	passwordHash []byte // nil: the demo's own; tests set a cheap one
	clockSkew    time.Duration
	freshWindow  time.Duration
	clock        func() time.Time // nil: time.Now; tests move it forward
	watchEvery   time.Duration    // how often -keyring is read; 0: keyring's 2 s; tests shorten it
}

// usageError is a bad command line: run exits with 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	fs.StringVar(&o.keyringFile, "keyring", "", "use and watch the keyring `FILE`")
	fs.BoolVar(&o.insecureHTTP, "insecure-http", false, "allow plain HTTP on a non-loopback address")
	fs.DurationVar(&o.clockSkew, "clock-skew", 0, "run this server's clock `DUR` ahead of the system's")
	fs.DurationVar(&o.freshWindow, "fresh-window", site.DefaultFreshWindow, "the sudo page wants the password entered within `DUR`")
	if err := fs.Parse(args); err != nil {
		return o, err // flag.ErrHelp, or a bad flag already reported
	}
	if fs.NArg() > 0 {
		return o, &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return o, &usageError{fmt.Sprintf("-addr %q: %v", o.addr, err)}
	}
	if o.clockSkew > maxClockSkew || o.clockSkew < -maxClockSkew {
		return o, &usageError{fmt.Sprintf("-clock-skew %v is more than %v either way", o.clockSkew, maxClockSkew)}
	}
	if o.freshWindow <= 0 {
		return o, &usageError{fmt.Sprintf("-fresh-window %v is not positive", o.freshWindow)}
	}
	return o, nil
}

// run is the demo: it serves until ctx is done and returns the exit code:
// 0, 1 for an error, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, code, ok := parseArgs(args, stderr)
	if !ok {
		return code
	}
	return runOptions(ctx, o, stdout, stderr)
}

// runOptions is run after the command line was parsed into o.
func runOptions(ctx context.Context, o options, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ln, loopback, code := listen(o, stderr)
	if ln == nil {
		return code
	}
	defer ln.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the keyring watcher
	keys, err := openKeys(ctx, o, log)
	if err != nil {
		fmt.Fprintf(stderr, "demo: error: %v\n", err)
		return 1
	}
	keyUsage := token.NewUsage(keys) // the key-usage figures of every token the demo seals and opens
	if err := keyUsage.Publish(expvarName); err != nil {
		// Only if the process serves a second demo (the tests do).
		log.Warn("key-usage figures not published", "err", err)
	}
	logSettings(log, o, loopback)
	h, err := newServer(o, keyUsage, loopback, log)
	if err != nil {
		fmt.Fprintf(stderr, "demo: error: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, banner("http://"+ln.Addr().String()+"/", loopback)) // one write: a reader sees all of it
	return serveUntil(ctx, newHTTPServer(h, log), ln, log, stderr)
}

// banner is what the demo prints on stdout once it serves at url.
func banner(url string, loopback bool) string {
	s := fmt.Sprintf("sessionless demo: %s\nlog in as %s, password %s\n", url, site.Username, site.Password)
	if loopback {
		s += fmt.Sprintf("key-usage figures: %sdebug/vars\n", url)
	}
	return s
}

// parseArgs parses the command line; when it reports false, run exits
// with code: 0 after -h, 2 for a usage error (already reported).
func parseArgs(args []string, stderr io.Writer) (o options, code int, ok bool) {
	o, err := parseFlags(args, stderr)
	var ue *usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return o, 0, false
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "demo: error: %v\n", ue)
		fmt.Fprintln(stderr, `demo: run "demo -h" for help`)
		return o, 2, false
	case err != nil:
		return o, 2, false // the flag package has said what is wrong
	}
	return o, 0, true
}

// listen binds o.addr and reports whether it is loopback. It refuses (nil
// listener, exit code 2) a non-loopback address without -insecure-http:
// before binding when the address is an IP that is not loopback (or empty:
// every interface), once bound for a host name.
func listen(o options, stderr io.Writer) (ln net.Listener, loopback bool, code int) {
	host, _, _ := net.SplitHostPort(o.addr)
	if !o.insecureHTTP && !mayBeLoopback(host) {
		refuse(stderr, o.addr)
		return nil, false, 2
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "demo: error: %v\n", err)
		return nil, false, 1
	}
	loopback = isLoopback(ln.Addr())
	if !loopback && !o.insecureHTTP {
		ln.Close()
		refuse(stderr, o.addr)
		return nil, false, 2
	}
	return ln, loopback, 0
}

// logSettings says what the cookies' transport and the clock are.
func logSettings(log *slog.Logger, o options, loopback bool) {
	switch {
	case loopback && o.insecureHTTP:
		log.Warn("-insecure-http is set on loopback, where it is not needed: the cookies lose Secure and the __Host- prefix")
	case loopback:
		log.Info("plain HTTP on loopback needs no development setting: browsers treat http://127.0.0.1 and http://localhost as secure contexts, so the Secure __Host- cookies work (InsecureHTTP is off)")
	default:
		log.Warn("-insecure-http: plain HTTP on a non-loopback address; the cookies lose Secure and the __Host- prefix, and anyone on the network can read and replay them. Development only")
	}
	if o.clockSkew != 0 {
		log.Warn("-clock-skew: this server stamps and checks tokens with a clock shifted from the system's", "skew", o.clockSkew)
	}
}

// newHTTPServer returns the server of h, with timeouts.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serveUntil serves ln until ctx is done, then shuts down gracefully, and
// returns run's exit code.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger, stderr io.Writer) int {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "demo: error: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, scancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "demo: error: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// newServer returns the demo's handler over keys. debugVars serves
// /debug/vars (to loopback clients): set it only when listening on loopback.
func newServer(o options, keys keyring.Source, debugVars bool, log *slog.Logger) (http.Handler, error) {
	demoFigures.useKeys(keys)
	h, err := site.New(site.Config{
		Keys:         keys,
		InsecureHTTP: o.insecureHTTP,
		DebugVars:    debugVars,
		PasswordHash: o.passwordHash,
		Logger:       log,
		OnReject:     demoFigures.reject,
		Clock:        o.clock,
		ClockSkew:    o.clockSkew,
		FreshWindow:  o.freshWindow,
	})
	if err != nil {
		return nil, err
	}
	return demoFigures.serve(h), nil
}

// openKeys returns the keyring: the file, watched, or one key in memory.
func openKeys(ctx context.Context, o options, log *slog.Logger) (*keyring.Live, error) {
	file := o.keyringFile
	if file == "" {
		now := time.Now()
		k := keyring.GenerateKey(now, now)
		ring, err := keyring.New([]keyring.Key{k}, time.Time{})
		if err != nil {
			return nil, err
		}
		log.Info("keyring in memory: one new key, active now; a restart logs everybody out (use -keyring FILE to keep the keys)", "kid", k.ID)
		return keyring.NewLive(ring), nil
	}
	w, err := keyring.Watch(ctx, file, keyring.WatchConfig{
		Interval: o.watchEvery,
		OnReload: func(r *keyring.Ring) {
			demoFigures.reloads.Add(1)
			log.Info("keyring reloaded", "file", file, "keys", r.Len(), "primary", primaryID(r))
		},
		OnError: func(err error) {
			demoFigures.reloadErrors.Add(1)
			log.Error("keyring reload failed; keeping the previous keys", "file", file, "err", err)
		},
	})
	if err != nil {
		return nil, err
	}
	r := w.Current()
	log.Info("keyring loaded; watching it for changes", "file", file, "keys", r.Len(), "primary", primaryID(r))
	return w.Live, nil
}

// mayBeLoopback reports whether host could be a loopback address: a
// loopback IP, or a name (resolved when bound). Empty (every interface)
// and other IPs are not.
func mayBeLoopback(host string) bool {
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return true
}

// isLoopback reports whether a is a loopback TCP address.
func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

func refuse(stderr io.Writer, addr string) {
	fmt.Fprintf(stderr, "demo: error: %s is not a loopback address: browsers send Secure cookies over plain HTTP only to loopback; pass -insecure-http to serve there anyway (development only)\n", addr)
}
