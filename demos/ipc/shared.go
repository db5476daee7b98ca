package ipc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

// Shared is a row of int64 values in memory that several processes map at
// once, like multiprocessing.Value and Array: a write by one process is
// seen by the others, with no message sent. The memory is a file mapped
// with mmap; the process that makes it with NewShared owns the file.
//
// Load and Store are plain memory accesses, with no synchronization: a
// read-modify-write built from them (v := s.Load(0); s.Store(0, v+1)) loses
// updates when processes run it at once. Add is atomic, and Lock/Unlock is
// a lock in the shared memory itself that all processes mapping it obey.
//
// A Shared encodes to JSON as its file and length; decoding one maps the
// memory, so a child process gets a working Shared as its argument.
type Shared struct {
	path  string
	n     int
	owner bool
	mem   []byte
	words []int64 // words[0] is the lock; values start at words[1]
}

// sharedJSON is how a Shared crosses to another process.
type sharedJSON struct {
	Path string `json:"path"`
	N    int    `json:"n"`
}

// NewShared makes n shared values, all zero, in a new file. Close unmaps
// them; Remove deletes the file.
func NewShared(n int) (*Shared, error) {
	if n < 1 {
		return nil, fmt.Errorf("new shared memory: %d values", n)
	}
	f, err := os.CreateTemp("", "conclab-shm-")
	if err != nil {
		return nil, fmt.Errorf("new shared memory: %w", err)
	}
	defer f.Close() // the mapping outlives the descriptor
	size := int64(n+1) * 8
	if err := f.Truncate(size); err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("new shared memory: %w", err)
	}
	s := &Shared{path: f.Name(), n: n, owner: true}
	if err := s.mapFile(f, size); err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("new shared memory: %w", err)
	}
	return s, nil
}

// OpenShared maps the n values of a file made by NewShared in another
// process.
func OpenShared(path string, n int) (*Shared, error) {
	if n < 1 {
		return nil, fmt.Errorf("open shared memory %s: %d values", path, n)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open shared memory: %w", err)
	}
	defer f.Close()
	size := int64(n+1) * 8
	if st, err := f.Stat(); err != nil || st.Size() < size {
		return nil, fmt.Errorf("open shared memory %s: not %d values long", path, n)
	}
	s := &Shared{path: path, n: n}
	if err := s.mapFile(f, size); err != nil {
		return nil, fmt.Errorf("open shared memory %s: %w", path, err)
	}
	return s, nil
}

// MarshalJSON encodes the file and length, which is all another process
// needs to map the same memory.
func (s *Shared) MarshalJSON() ([]byte, error) {
	return json.Marshal(sharedJSON{Path: s.path, N: s.n})
}

// UnmarshalJSON maps the memory described, as OpenShared does.
func (s *Shared) UnmarshalJSON(b []byte) error {
	var j sharedJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decode shared memory: %w", err)
	}
	o, err := OpenShared(j.Path, j.N)
	if err != nil {
		return err
	}
	s.path, s.n, s.owner, s.mem, s.words = o.path, o.n, false, o.mem, o.words
	return nil
}

// Len is how many values there are.
func (s *Shared) Len() int { return s.n }

// Path is the file that holds the memory.
func (s *Shared) Path() string { return s.path }

// Load reads value i with a plain memory read.
func (s *Shared) Load(i int) int64 { return s.words[s.index(i)] }

// Store writes value i with a plain memory write.
func (s *Shared) Store(i int, v int64) { s.words[s.index(i)] = v }

// Add adds delta to value i atomically, across processes, and returns the
// new value.
func (s *Shared) Add(i int, delta int64) int64 {
	return atomic.AddInt64(&s.words[s.index(i)], delta)
}

// AtomicLoad reads value i atomically.
func (s *Shared) AtomicLoad(i int) int64 { return atomic.LoadInt64(&s.words[s.index(i)]) }

// Lock takes the memory's lock, waiting as long as another process or
// goroutine holds it. The lock is a word in the shared memory holding the
// holder's process id; a holder that died is noticed and its lock taken
// over, so a crash cannot block the others forever.
func (s *Shared) Lock() {
	me := int64(os.Getpid())
	for spins := 0; ; spins++ {
		if atomic.CompareAndSwapInt64(&s.words[0], 0, me) {
			return
		}
		switch {
		case spins < 100:
		case spins < 1000:
			runtime.Gosched()
		default:
			if holder := atomic.LoadInt64(&s.words[0]); holder != 0 && holder != me && !processAlive(int(holder)) {
				atomic.CompareAndSwapInt64(&s.words[0], holder, 0)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
}

// Unlock releases the lock.
func (s *Shared) Unlock() {
	atomic.StoreInt64(&s.words[0], 0)
}

// Close unmaps the memory in this process; the values stay in the file
// for the others.
func (s *Shared) Close() error {
	if s.mem == nil {
		return nil
	}
	err := unmap(s.mem)
	s.mem, s.words = nil, nil
	if err != nil {
		return fmt.Errorf("close shared memory: %w", err)
	}
	return nil
}

// Remove unmaps the memory and deletes its file; only the maker may.
func (s *Shared) Remove() error {
	if !s.owner {
		return errors.New("remove shared memory: only the process that made it may remove it")
	}
	err := s.Close()
	if rerr := os.Remove(s.path); rerr != nil && err == nil {
		err = fmt.Errorf("remove shared memory: %w", rerr)
	}
	return err
}

// index maps value i to its word, panicking like a slice out of range.
func (s *Shared) index(i int) int {
	if i < 0 || i >= s.n {
		panic(fmt.Sprintf("ipc: shared value %d out of range [0, %d)", i, s.n))
	}
	return i + 1
}
