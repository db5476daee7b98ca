package schedtrace

import (
	"bytes"
	"os"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"
)

// The known program: four goroutines take turns on a mutex, each holding
// it long enough that the others block; one waits on a channel, one in a
// select, one reads a pipe, one sleeps; main releases them after 20 ms.

const (
	contenders = 4
	holdFor    = 300 * time.Microsecond
	rounds     = 20
	releaseIn  = 20 * time.Millisecond
)

func contend(mu *sync.Mutex, started, wg *sync.WaitGroup) {
	defer wg.Done()
	started.Done()
	for range rounds {
		mu.Lock()
		spin(holdFor)
		mu.Unlock()
	}
}

func waitOn(ch chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	<-ch
}

func selectOn(a, b chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	select {
	case <-a:
	case <-b:
	}
}

func readPipe(r *os.File, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 1)
	_, _ = r.Read(buf)
}

func sleeper(wg *sync.WaitGroup) {
	defer wg.Done()
	time.Sleep(releaseIn)
}

// spin keeps the CPU busy for d, so that the lock is held while running.
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

func knownProgram() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	defer w.Close()
	var mu sync.Mutex
	var wg, started sync.WaitGroup
	wg.Add(contenders + 4)
	started.Add(contenders)
	// Main holds the lock until every contender is on its way to it, so
	// that they block on it even on a loaded machine.
	mu.Lock()
	for range contenders {
		go contend(&mu, &started, &wg)
	}
	started.Wait()
	time.Sleep(time.Millisecond)
	mu.Unlock()
	ch, a := make(chan int), make(chan int)
	go waitOn(ch, &wg)
	go selectOn(a, nil, &wg)
	go readPipe(r, &wg)
	go sleeper(&wg)
	time.Sleep(releaseIn)
	close(ch)
	close(a)
	_, err = w.Write([]byte{1})
	wg.Wait()
	return err
}

var (
	recordOnce sync.Once
	recorded   []byte
	recordErr  error
	skipReason string
)

// knownTrace is the trace of the known program, run once in this process
// with GOMAXPROCS=2.
func knownTrace(t testing.TB) []byte {
	t.Helper()
	recordOnce.Do(func() {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
		var buf bytes.Buffer
		if err := trace.Start(&buf); err != nil {
			skipReason = err.Error()
			return
		}
		recordErr = knownProgram()
		trace.Stop()
		recorded = buf.Bytes()
	})
	if skipReason != "" {
		t.Skipf("cannot trace in this process (go test -trace?): %s", skipReason)
	}
	if recordErr != nil {
		t.Fatalf("recording the known program: %v", recordErr)
	}
	return recorded
}

// readKnown parses the known trace.
func readKnown(t *testing.T, opt Options) *Trace {
	t.Helper()
	tr, err := Read(bytes.NewReader(knownTrace(t)), opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return tr
}

// byStart returns the goroutines that started in a function ending in suffix.
func byStart(tr *Trace, suffix string) []*Goroutine {
	var out []*Goroutine
	for _, g := range tr.Goroutines {
		if strings.HasSuffix(g.Start.Func, suffix) {
			out = append(out, g)
		}
	}
	return out
}

// checkWellFormed checks the invariants every Trace keeps: intervals in
// order without gaps or overlaps, slices of a P in order, and no goroutine
// on two Ps at once.
func checkWellFormed(t *testing.T, tr *Trace) {
	t.Helper()
	for _, g := range tr.Goroutines {
		for i, iv := range g.Intervals {
			if iv.End <= iv.Start || iv.Start < 0 || iv.End > tr.Span {
				t.Fatalf("g%d interval %d: %+v outside (0, %v]", g.ID, i, iv, tr.Span)
			}
			if i > 0 && g.Intervals[i-1].End != iv.Start {
				t.Fatalf("g%d intervals %d and %d do not join: %+v, %+v", g.ID, i-1, i, g.Intervals[i-1], iv)
			}
			if iv.State >= numStates || iv.State == Runtime {
				t.Fatalf("g%d interval %d has state %v", g.ID, i, iv.State)
			}
		}
	}
	type use struct {
		s Slice
		p int64
	}
	byG := map[int64][]use{}
	for _, p := range tr.Procs {
		for i, s := range p.Slices {
			if s.End <= s.Start || s.Start < 0 || s.End > tr.Span {
				t.Fatalf("P%d slice %d: %+v outside (0, %v]", p.ID, i, s, tr.Span)
			}
			if i > 0 && p.Slices[i-1].End > s.Start {
				t.Fatalf("P%d slices %d and %d overlap: %+v, %+v", p.ID, i-1, i, p.Slices[i-1], s)
			}
			byG[s.G] = append(byG[s.G], use{s, p.ID})
		}
	}
	for g, us := range byG {
		for i := range us {
			for j := i + 1; j < len(us); j++ {
				a, b := us[i].s, us[j].s
				if a.Start < b.End && b.Start < a.End {
					t.Fatalf("g%d on P%d and P%d at once: %+v, %+v", g, us[i].p, us[j].p, a, b)
				}
			}
		}
	}
}
