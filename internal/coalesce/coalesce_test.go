package coalesce

import (
	"slices"
	"sync"
	"testing"
	"time"
)

type sent struct {
	key string
	v   int
}

// recorder collects what a Latest sends.
type recorder struct {
	mu  sync.Mutex
	got []sent
}

func (r *recorder) send(s sent) {
	r.mu.Lock()
	r.got = append(r.got, s)
	r.mu.Unlock()
}

func (r *recorder) values() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func TestLatest(t *testing.T) {
	const interval = 50 * time.Millisecond
	put := func(l *Latest[sent], key string, v int) { l.Put(key, sent{key, v}) }
	tests := []struct {
		name string
		run  func(l *Latest[sent])
		want []sent
	}{
		{"first value goes at once", func(l *Latest[sent]) { put(l, "a", 1) }, []sent{{"a", 1}}},
		{"latest wins, last delivered by Close", func(l *Latest[sent]) {
			for v := 1; v <= 1000; v++ {
				put(l, "a", v)
			}
			l.Close()
		}, []sent{{"a", 1}, {"a", 1000}}},
		{"keys do not wait for each other", func(l *Latest[sent]) {
			put(l, "a", 1)
			put(l, "b", 1)
		}, []sent{{"a", 1}, {"b", 1}}},
		{"Flush sends one key's waiting value", func(l *Latest[sent]) {
			put(l, "a", 1)
			put(l, "b", 1)
			put(l, "a", 2)
			put(l, "b", 2)
			l.Flush("b")
		}, []sent{{"a", 1}, {"b", 1}, {"b", 2}}},
		{"FlushAll keeps the order keys began to wait", func(l *Latest[sent]) {
			put(l, "a", 1)
			put(l, "b", 1)
			put(l, "b", 2)
			put(l, "a", 2)
			put(l, "a", 3)
			l.FlushAll()
		}, []sent{{"a", 1}, {"b", 1}, {"b", 2}, {"a", 3}}},
		{"after Close values go at once", func(l *Latest[sent]) {
			l.Close()
			put(l, "a", 1)
			put(l, "a", 2)
		}, []sent{{"a", 1}, {"a", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r recorder
			l := New(time.Hour, r.send) // no timer fires during the test
			tt.run(l)
			if got := r.values(); !slices.Equal(got, tt.want) {
				t.Errorf("sent %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("the timer sends the last value at a bounded rate", func(t *testing.T) {
		var r recorder
		l := New(interval, r.send)
		start := time.Now()
		const n = 20000
		for v := 1; v <= n; v++ {
			put(l, "a", v)
			if v%100 == 0 {
				time.Sleep(time.Millisecond) // a loop that takes some time
			}
		}
		elapsed := time.Since(start)
		time.Sleep(3 * interval) // the timer, not Close, must deliver the last value
		got := r.values()
		l.Close()
		if len(got) == 0 || got[len(got)-1].v != n {
			t.Fatalf("last value sent = %v, want %d", got[len(got)-1:], n)
		}
		for i := 1; i < len(got); i++ {
			if got[i].v <= got[i-1].v {
				t.Fatalf("values out of order: %v then %v", got[i-1], got[i])
			}
		}
		if max := 2*int(elapsed/interval) + 3; len(got) > max {
			t.Errorf("%d values sent in %v, want at most %d", len(got), elapsed, max)
		}
	})
}
