package workload

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func newTestServer(t *testing.T, latency time.Duration) *Server {
	t.Helper()
	s, err := NewServer(latency)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestServerPages(t *testing.T) {
	s := newTestServer(t, 0)
	tests := []struct {
		path   string
		status int
		size   int64
	}{
		{"/page/1", http.StatusOK, DefaultPageSize},
		{"/page/2?size=10", http.StatusOK, 10},
		{"/x?size=0&latency=1ms", http.StatusOK, 0},
		{"/status/404", http.StatusNotFound, -1},
		{"/status/503", http.StatusServiceUnavailable, -1},
		{"/status/abc", http.StatusBadRequest, -1},
		{"/page?latency=-1s", http.StatusBadRequest, -1},
		{"/page?latency=2h", http.StatusBadRequest, -1},
		{"/page?size=huge", http.StatusBadRequest, -1},
	}
	for _, tt := range tests {
		status, n, err := Fetch(context.Background(), s.URL+tt.path)
		if err != nil {
			t.Errorf("Fetch %s: %v", tt.path, err)
			continue
		}
		if status != tt.status || tt.size >= 0 && n != tt.size {
			t.Errorf("Fetch %s = status %d, %d bytes; want %d, %d", tt.path, status, n, tt.status, tt.size)
		}
	}
	if got := s.Requests(); got != int64(len(tests)) {
		t.Errorf("Requests = %d, want %d", got, len(tests))
	}
}

func TestServerCountsConcurrentRequests(t *testing.T) {
	before := runtime.NumGoroutine()
	s := newTestServer(t, time.Hour) // requests wait until canceled
	ctx, cancel := context.WithCancel(context.Background())
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, url := range s.URLs(n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = Fetch(ctx, url)
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.InFlight() < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	if got := s.MaxInFlight(); got != n {
		t.Errorf("MaxInFlight = %d, want %d", got, n)
	}
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("fetch %d: %v, want canceled", i, err)
		}
	}
	s.Close()
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines before, %d after", before, runtime.NumGoroutine())
}

func TestServerSetLatencyAndURLs(t *testing.T) {
	s := newTestServer(t, time.Hour)
	s.SetLatency(0)
	urls := s.URLs(3)
	if len(urls) != 3 || !strings.HasSuffix(urls[2], "/page/2") || !strings.HasPrefix(urls[0], s.URL) {
		t.Fatalf("URLs = %v", urls)
	}
	if status, _, err := Fetch(context.Background(), urls[0]); err != nil || status != http.StatusOK {
		t.Errorf("Fetch after SetLatency(0): %d, %v", status, err)
	}
	if got := s.URLs(-1); len(got) != 0 {
		t.Errorf("URLs(-1) = %v", got)
	}
}

func TestFetchErrors(t *testing.T) {
	if _, _, err := Fetch(context.Background(), "http://127.0.0.1:1/"); err == nil {
		t.Error("Fetch from a closed port: no error")
	}
	if _, _, err := Fetch(context.Background(), "::bad::"); err == nil {
		t.Error("Fetch of a bad URL: no error")
	}
}

func TestPage(t *testing.T) {
	for _, size := range []int{0, 3, 100, 1000} {
		p := page("/page/7", size)
		if len(p) != size {
			t.Errorf("page of size %d has %d bytes", size, len(p))
		}
		if size >= 100 && !strings.HasPrefix(string(p), "page /page/7\n") {
			t.Errorf("page starts %q", p[:20])
		}
	}
}

// FuzzParseRequest feeds the request parser arbitrary paths and queries,
// as a client could send: it must never panic, and what it accepts must
// be within bounds.
func FuzzParseRequest(f *testing.F) {
	f.Add("/page/1", "")
	f.Add("/page/1", "latency=250ms&size=10")
	f.Add("/status/404", "")
	f.Add("/status/99999999999999999999", "size=-1")
	f.Add("/x", "latency=%zz")
	f.Fuzz(func(t *testing.T, path, query string) {
		pr, err := parseRequest(path, query, time.Second)
		if err != nil {
			return
		}
		if pr.latency < 0 || pr.latency > maxLatency || pr.size < 0 || pr.size > maxPageSize || pr.status < 200 || pr.status > 599 {
			t.Errorf("parseRequest(%q, %q) accepted %+v", path, query, pr)
		}
	})
}
