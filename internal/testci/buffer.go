package testci

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Buffer collects what goroutines write (a server's log, a child
// process's output) while a test reads it. Its zero value is empty and
// ready to use.
type Buffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	grew chan struct{} // closed by the next Write; nil until someone waits
}

// Write appends p, and wakes the tests waiting in [Buffer.WaitFor].
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.grew != nil {
		close(b.grew)
		b.grew = nil
	}
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// next returns what was written so far and a channel that the next Write
// closes.
func (b *Buffer) next() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.grew == nil {
		b.grew = make(chan struct{})
	}
	return b.buf.String(), b.grew
}

// ErrDone is the error of [Buffer.WaitFor] when done was closed first.
var ErrDone = errors.New("testci: the writer is done")

// WaitFor waits, without polling, until what was written satisfies ok. It
// fails once d has passed, or with ErrDone once done is closed (a nil done
// never is).
func (b *Buffer) WaitFor(d time.Duration, done <-chan struct{}, ok func(string) bool) error {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for {
		s, grew := b.next()
		if ok(s) {
			return nil
		}
		select {
		case <-grew:
		case <-done:
			return ErrDone
		case <-timeout.C:
			return fmt.Errorf("testci: timed out after %v", d)
		}
	}
}
