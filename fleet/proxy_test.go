//go:build linux

package fleet

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Headers between the visitors and the proxy. The proxy strips the
// request headers before a backend sees them.
const (
	hdrVisitor = "X-Fleet-Visitor" // the visitor's number
	hdrSeq     = "X-Fleet-Seq"     // the visitor's request number
	hdrBackend = "X-Fleet-Backend" // in the answer: the backend that served it
)

// backend is one demo server behind the proxy.
type backend struct {
	name      string
	addrp     atomic.Pointer[string] // 127.0.0.1:port; set again by a restart while the proxy reads it
	downUntil atomic.Int64           // unix nanoseconds: skipped until then
	served    atomic.Int64
}

func (b *backend) addr() string {
	if p := b.addrp.Load(); p != nil {
		return *p
	}
	return ""
}

func (b *backend) setAddr(addr string) { b.addrp.Store(&addr) }

func (b *backend) down(now time.Time) bool { return now.UnixNano() < b.downUntil.Load() }

// proxy is a round-robin reverse proxy over the backends, as a load
// balancer in front of a fleet would be. Each visitor's requests go to the
// backends in turn ((visitor + request number) mod n), so two consecutive
// requests of one visitor always land on different servers while all are
// up; requests without the visitor headers take a shared turn.
//
// A backend that fails to answer (connection refused while it is down, or
// a connection or an answer cut by its death) is skipped for a second and
// the request is sent to the next one, as nginx's proxy_next_upstream
// does. The fleet's routes are safe to repeat (a login or
// re-authentication repeated issues another token; a logout deletes the
// cookies again), so requests cut in flight are retried too; the proxy
// reads each answer whole before it passes it on, so that a body cut short
// is retried as well. Both kinds of retry are counted, apart from the
// visitors' figures. Only when every backend fails does a visitor see the
// 502.
type proxy struct {
	backends  []*backend
	next      atomic.Uint64
	transport *http.Transport

	refused  atomic.Int64 // attempts refused: the backend was down, the request never reached it
	inFlight atomic.Int64 // attempts cut in flight: the backend died with the request
	failed   atomic.Int64 // requests no backend answered (502)
}

func newProxy(backends []*backend) *proxy {
	return &proxy{
		backends: backends,
		transport: &http.Transport{
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:          512,
			MaxIdleConnsPerHost:   128, // the default of 2 would open a connection per request
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
			DisableCompression:    true,
		},
	}
}

// handler is the reverse proxy. It keeps the Host of the request, as a
// load balancer that sets Host $host does, so the origin checks and the
// __Host- cookies see one site.
func (p *proxy) handler() http.Handler {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = "backend.invalid" // RoundTrip picks the backend
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport: p,
		ErrorLog:  log.New(io.Discard, "", 0),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			p.failed.Add(1)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
}

// pick returns the index of the first backend to try for req.
func (p *proxy) pick(req *http.Request) int {
	n := uint64(len(p.backends))
	v, err1 := strconv.ParseUint(req.Header.Get(hdrVisitor), 10, 32)
	s, err2 := strconv.ParseUint(req.Header.Get(hdrSeq), 10, 63)
	if err1 == nil && err2 == nil {
		return int((v + s) % n)
	}
	return int(p.next.Add(1) % n)
}

// RoundTrip sends req to the backends in turn from the picked one,
// skipping those marked down, and retries on the next when one fails.
func (p *proxy) RoundTrip(req *http.Request) (*http.Response, error) {
	start := p.pick(req)
	req.Header.Del(hdrVisitor)
	req.Header.Del(hdrSeq)
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body) // the forms are small
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	n := len(p.backends)
	var lastErr error
	// Up to three rounds over the backends; in each, those marked down
	// are tried last, so a dead server costs a retry about once a second.
	for round := range 3 {
		if round > 0 {
			select {
			case <-time.After(250 * time.Millisecond):
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
		}
		order := make([]*backend, 0, n)
		var downs []*backend
		now := time.Now()
		for i := range n {
			b := p.backends[(start+i)%n]
			if b.down(now) {
				downs = append(downs, b)
			} else {
				order = append(order, b)
			}
		}
		for _, b := range append(order, downs...) {
			out := req.Clone(req.Context())
			out.URL.Host = b.addr()
			if body != nil {
				out.Body = io.NopCloser(bytes.NewReader(body))
				out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			}
			res, err := p.transport.RoundTrip(out)
			if err == nil {
				// The whole answer before any of it goes on: a server
				// killed while it sends the body cuts it, and a cut
				// answer is retried like a refused connection.
				var data []byte
				data, err = io.ReadAll(res.Body)
				res.Body.Close()
				if err == nil {
					res.Body = io.NopCloser(bytes.NewReader(data))
					b.served.Add(1)
					res.Header.Set(hdrBackend, b.name)
					return res, nil
				}
			}
			if req.Context().Err() != nil {
				return nil, err // the visitor gave up: not the backend's fault
			}
			lastErr = err
			b.downUntil.Store(time.Now().Add(time.Second).UnixNano())
			if errors.Is(err, syscall.ECONNREFUSED) {
				p.refused.Add(1)
			} else {
				p.inFlight.Add(1)
			}
			runtime.Gosched()
		}
	}
	return nil, lastErr
}
