// Package schedtracetest records the execution trace of a known program, so
// that the packages reading traces can check what they make of it against
// what the program is known to do.
package schedtracetest

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"testing"
	"time"
)

// The known program: Contenders goroutines take turns on a mutex, each
// holding it long enough that the others block; one waits on a channel, one
// in a select, one reads a pipe, one sleeps; main releases them after
// ReleaseIn.
const (
	Contenders = 4
	HoldFor    = 300 * time.Microsecond
	Rounds     = 20
	ReleaseIn  = 20 * time.Millisecond
)

// The known program logs ReleaseMessage under LogCategory from the goroutine
// that started the others, just before it releases the waiters.
const (
	LogCategory    = "schedtracetest"
	ReleaseMessage = "release"
)

// The functions the known program's goroutines start in, as a trace names
// them.
const (
	ContendFunc = "github.com/conclab/conclab/internal/schedtrace/schedtracetest.contend"
	WaitOnFunc  = "github.com/conclab/conclab/internal/schedtrace/schedtracetest.waitOn"
	SelectFunc  = "github.com/conclab/conclab/internal/schedtrace/schedtracetest.selectOn"
	PipeFunc    = "github.com/conclab/conclab/internal/schedtrace/schedtracetest.readPipe"
	SleepFunc   = "github.com/conclab/conclab/internal/schedtrace/schedtracetest.sleeper"
	ProgramFunc = "github.com/conclab/conclab/internal/schedtrace/schedtracetest.program"
)

func contend(mu *sync.Mutex, started, wg *sync.WaitGroup) {
	defer wg.Done()
	started.Done()
	for range Rounds {
		mu.Lock()
		spin(HoldFor)
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
	time.Sleep(ReleaseIn)
}

// spin keeps the CPU busy for d, so that the lock is held while running.
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

func program() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	defer w.Close()
	var mu sync.Mutex
	var wg, started sync.WaitGroup
	wg.Add(Contenders + 4)
	started.Add(Contenders)
	// Main holds the lock until every contender is on its way to it, so
	// that they block on it even on a loaded machine.
	mu.Lock()
	for range Contenders {
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
	time.Sleep(ReleaseIn)
	trace.Log(context.Background(), LogCategory, ReleaseMessage)
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

// Trace is the execution trace of the known program, run once per process
// with GOMAXPROCS=2. It skips the test when this process cannot trace (it
// runs under go test -trace).
func Trace(tb testing.TB) []byte {
	tb.Helper()
	recordOnce.Do(func() {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
		var buf bytes.Buffer
		if err := trace.Start(&buf); err != nil {
			skipReason = err.Error()
			return
		}
		recordErr = program()
		trace.Stop()
		recorded = buf.Bytes()
	})
	if skipReason != "" {
		tb.Skipf("cannot trace in this process (go test -trace?): %s", skipReason)
	}
	if recordErr != nil {
		tb.Fatalf("recording the known program: %v", recordErr)
	}
	return recorded
}
