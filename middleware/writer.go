package middleware

import (
	"bufio"
	"net"
	"net/http"
	"sync/atomic"
)

// responseWriter writes the visitor cookies that changed into the header
// just before it goes out, and remembers that it went.
type responseWriter[T, S any] struct {
	http.ResponseWriter
	rq    *request[T, S]
	wrote atomic.Bool // the header went (or is going) out
}

// commit queues the visitor cookies that changed, once; the header goes
// next. A commit cannot fail for the handler any more: a sliding refresh
// that does not seal is dropped (the cookie still holds the data).
func (w *responseWriter[T, S]) commit() {
	if w.wrote.Load() {
		return
	}
	rq := w.rq
	rq.mu.Lock()
	defer rq.mu.Unlock()
	if w.wrote.Swap(true) || rq.vis == nil {
		return // no handler asked
	}
	rq.s.commitData(w.ResponseWriter, rq)
	if rq.vis.flash.Pending() {
		_ = rq.s.flash.Commit(w.ResponseWriter, rq.req, &rq.vis.flash)
	}
}

// WriteHeader commits the visitor cookies, then writes the header. An
// informational status (1xx but 101) passes through: the final header
// comes later.
func (w *responseWriter[T, S]) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.commit()
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write commits the visitor cookies before the first byte.
func (w *responseWriter[T, S]) Write(b []byte) (int, error) {
	w.commit()
	return w.ResponseWriter.Write(b)
}

// Flush commits the visitor cookies, then flushes.
func (w *responseWriter[T, S]) Flush() { _ = w.FlushError() }

// FlushError is Flush that reports an error, as http.ResponseController
// expects.
func (w *responseWriter[T, S]) FlushError() error {
	w.commit()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection to the handler, for WebSocket libraries
// that assert http.Hijacker on the writer rather than use
// http.ResponseController. No header of Load's goes out on a hijacked
// connection, so later changes are refused with ErrHeaderWritten rather
// than lost. Where the server cannot hijack (HTTP/2) it returns the
// error of http.ResponseController.Hijack.
func (w *responseWriter[T, S]) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, buf, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.rq.mu.Lock()
		w.wrote.Store(true)
		w.rq.mu.Unlock()
	}
	return conn, buf, err
}

// Unwrap returns the ResponseWriter Load was given, for
// http.ResponseController.
func (w *responseWriter[T, S]) Unwrap() http.ResponseWriter { return w.ResponseWriter }
