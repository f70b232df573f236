package keyring

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"time"
)

// WatchConfig tunes [Watch]. The zero value is usable.
type WatchConfig struct {
	// Interval is how often the file is read and compared. If zero, 2 s.
	Interval time.Duration
	// OnReload is called (from the watching goroutine, or from the
	// caller of Reload) after a changed file was loaded and swapped in.
	// It may call the Watcher's methods, Reload included. May be nil.
	OnReload func(*Ring)
	// OnError is called when a changed file cannot be read or parsed; the
	// previous ring stays in use. It is called once per distinct error
	// (by message), not at every poll. May be nil.
	OnError func(error)
	// Load are the options for reading the file.
	Load LoadOptions
}

// Watcher is a [Live] that follows a keyring file.
type Watcher struct {
	*Live
	path string
	cfg  WatchConfig

	mu      sync.Mutex
	last    []byte // the content of the last file seen, good or bad
	lastErr string // the last error reported, so each is reported once
}

// Watch loads the keyring file at path (an error if it cannot be loaded:
// a server never starts without keys) and then reads it every
// cfg.Interval until ctx is done. A changed file that parses is swapped in
// atomically; one that does not is reported to cfg.OnError and the previous
// ring stays in use, so a bad write never leaves a server without keys.
//
// Each read opens path anew, following symbolic links, checks the file it
// reaches ([CheckFileMode]) and compares its content, not its time or size,
// with the last read. So Watch follows a Kubernetes Secret volume, where
// path is a link through ..data to a folder per version and an update
// swaps ..data atomically: the new ring is in use within one interval, and
// an update whose file is missing, torn or unreadable keeps the old one.
func Watch(ctx context.Context, path string, cfg WatchConfig) (*Watcher, error) {
	if cfg.Interval <= 0 {
		cfg.Interval = 2 * time.Second
	}
	data, err := readFile(path, cfg.Load)
	if err != nil {
		return nil, err
	}
	r, err := Parse(data)
	if err != nil {
		return nil, err
	}
	w := &Watcher{Live: NewLive(r), path: path, cfg: cfg, last: data}
	go func() {
		t := time.NewTicker(cfg.Interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.Reload()
			}
		}
	}()
	return w, nil
}

// ErrUnchanged is returned by [Watcher.Reload] when the file has not changed.
var ErrUnchanged = errors.New("keyring: file unchanged")

// Reload reads the file now, as the watching goroutine does at each
// interval (call it on SIGHUP, say). It returns nil if a new ring was
// swapped in, [ErrUnchanged] if the file is as last seen, or the error
// that kept the previous ring in place.
func (w *Watcher) Reload() error {
	r, report, err := w.reload()
	// The callbacks run after the lock is released, so that one may call
	// Reload (or anything else of w) without deadlocking.
	if report != nil && w.cfg.OnError != nil {
		w.cfg.OnError(report)
	}
	if r != nil && w.cfg.OnReload != nil {
		w.cfg.OnReload(r)
	}
	return err
}

// reload is Reload under w.mu. It returns the ring swapped in (or nil),
// the error to report to OnError (or nil: unchanged, or already
// reported), and Reload's result.
func (w *Watcher) reload() (swapped *Ring, report, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	data, err := readFile(w.path, w.cfg.Load)
	if err != nil {
		// Unreadable (removed, permissions changed): keep the ring.
		clear(w.last)
		w.last = nil
		return nil, w.firstReport(err), err
	}
	if w.last != nil && bytes.Equal(data, w.last) {
		clear(data)
		return nil, nil, ErrUnchanged
	}
	clear(w.last)
	w.last = data
	r, err := Parse(data)
	if err != nil {
		return nil, w.firstReport(err), err
	}
	w.lastErr = ""
	w.Store(r)
	return w.Current(), nil, nil
}

// firstReport returns err if it is not the error reported last (by
// message), else nil: each error is reported once, not at every poll.
func (w *Watcher) firstReport(err error) error {
	if msg := err.Error(); msg != w.lastErr {
		w.lastErr = msg
		return err
	}
	return nil
}
