package workload

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultPageSize is the size of the pages a Server sends unless asked for
// another size.
const DefaultPageSize = 4 << 10

// Bounds on what one request may ask for.
const (
	maxPageSize = 16 << 20
	maxLatency  = time.Hour
)

// A Server is a local HTTP server that answers every request after a delay:
// the offline stand-in for downloading web pages. It listens on 127.0.0.1,
// so it works without a network, and counts what it serves, including how
// many requests it was handling at once (which shows whether the client
// really fetched concurrently).
//
// Any path is a page. The query can change one request: "latency=250ms"
// (a time.ParseDuration value), "size=1000" (bytes). The path
// "/status/404" answers with that status.
type Server struct {
	// URL is the server's base URL, such as "http://127.0.0.1:41234".
	URL string

	srv      *http.Server
	latency  atomic.Int64
	requests atomic.Int64
	inFlight atomic.Int64
	most     atomic.Int64
}

// NewServer starts a Server on a free local port whose pages take latency
// to arrive. Close stops it.
func NewServer(latency time.Duration) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start page server: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String()}
	s.latency.Store(int64(latency))
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) // returns when Close closes the listener
	return s, nil
}

// SetLatency changes the delay of the pages requested from now on.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// URLs lists n page addresses on the server: ".../page/0" and up.
func (s *Server) URLs(n int) []string {
	urls := make([]string, max(n, 0))
	for i := range urls {
		urls[i] = s.URL + "/page/" + strconv.Itoa(i)
	}
	return urls
}

// Requests is how many requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// InFlight is how many requests the server is handling now.
func (s *Server) InFlight() int64 { return s.inFlight.Load() }

// MaxInFlight is the largest number of requests the server was handling at
// the same time.
func (s *Server) MaxInFlight() int64 { return s.most.Load() }

// Close stops the server and ends the requests it is handling.
func (s *Server) Close() error {
	if err := s.srv.Close(); err != nil {
		return fmt.Errorf("close page server: %w", err)
	}
	return nil
}

// serve answers one request after its latency.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}

	pr, err := parseRequest(r.URL.Path, r.URL.RawQuery, time.Duration(s.latency.Load()))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := Sleep(r.Context(), pr.latency); err != nil {
		return // the client gave up or the server is closing
	}
	if pr.status != http.StatusOK {
		http.Error(w, http.StatusText(pr.status), pr.status)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(pr.size))
	w.Write(page(r.URL.Path, pr.size))
}

// A pageRequest is what one request asks of the server.
type pageRequest struct {
	latency time.Duration
	size    int
	status  int
}

// parseRequest reads a request's path and query; latency is the server's
// current delay, which the query may override.
func parseRequest(path, rawQuery string, latency time.Duration) (pageRequest, error) {
	pr := pageRequest{latency: latency, size: DefaultPageSize, status: http.StatusOK}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return pr, fmt.Errorf("bad query: %w", err)
	}
	if v := q.Get("latency"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > maxLatency {
			return pr, fmt.Errorf("bad latency %q: want a duration from 0 to %v", v, maxLatency)
		}
		pr.latency = d
	}
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPageSize {
			return pr, fmt.Errorf("bad size %q: want 0 to %d bytes", v, maxPageSize)
		}
		pr.size = n
	}
	if code, ok := strings.CutPrefix(path, "/status/"); ok {
		c, err := strconv.Atoi(code)
		if err != nil || c < 200 || c > 599 {
			return pr, fmt.Errorf("bad status %q: want 200 to 599", code)
		}
		pr.status = c
	}
	return pr, nil
}

// page is the body of the page at path: its name, then filler, size bytes
// in all.
func page(path string, size int) []byte {
	b := make([]byte, size)
	head := "page " + path + "\n"
	n := copy(b, head)
	for i := n; i < size; i++ {
		b[i] = '.'
		if (i-n)%64 == 63 {
			b[i] = '\n'
		}
	}
	return b
}

// oneShot fetches without keeping connections open between calls, like a
// simple HTTP client without a session: nothing lingers after a fetch.
var oneShot = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// Fetch downloads url and returns the HTTP status and the number of body
// bytes read. A status that is not 2xx is not an error (as with most HTTP
// clients); failing to connect or read is.
func Fetch(ctx context.Context, url string) (status int, n int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("fetch %s: %w", url, err)
	}
	resp, err := oneShot.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	n, err = io.Copy(io.Discard, resp.Body)
	if err != nil {
		return resp.StatusCode, n, fmt.Errorf("fetch %s: read body: %w", url, err)
	}
	return resp.StatusCode, n, nil
}
