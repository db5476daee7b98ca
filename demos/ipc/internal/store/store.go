// Package store is the service a Manager's server process runs: a map of
// named values, each JSON, with operations that happen on the server in
// one step, served with net/rpc. Its names are exported because net/rpc
// requires it; package ipc is its only user.
package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// Store holds the values.
type Store struct {
	mu     sync.Mutex
	values map[string]json.RawMessage
	calls  int64
}

// New makes an empty store.
func New() *Store { return &Store{values: map[string]json.RawMessage{}} }

// Calls is how many calls the store has answered.
func (s *Store) Calls() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// KeyValue is an argument naming a key and carrying a JSON value.
type KeyValue struct {
	Key   string
	Value []byte
}

// KeyDelta is the argument of Add.
type KeyDelta struct {
	Key   string
	Delta int64
}

// Found is a value looked up, and whether there was one.
type Found struct {
	Value []byte
	OK    bool
}

// Set stores a value under a key.
func (s *Store) Set(arg KeyValue, _ *struct{}) error {
	if !json.Valid(arg.Value) {
		return fmt.Errorf("set %q: not JSON", arg.Key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.values[arg.Key] = arg.Value
	return nil
}

// Get looks a key up.
func (s *Store) Get(key string, out *Found) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	v, ok := s.values[key]
	*out = Found{Value: v, OK: ok}
	return nil
}

// Add adds delta to the integer under key (0 if absent) in one step and
// returns the sum.
func (s *Store) Add(arg KeyDelta, sum *int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	var n int64
	if v, ok := s.values[arg.Key]; ok {
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("add to %q: not an integer", arg.Key)
		}
	}
	n += arg.Delta
	b, _ := json.Marshal(n) // an int64 always encodes
	s.values[arg.Key] = b
	*sum = n
	return nil
}

// Append adds a value at the end of the list under key (empty if absent)
// in one step and returns the list's new length.
func (s *Store) Append(arg KeyValue, length *int) error {
	if !json.Valid(arg.Value) {
		return fmt.Errorf("append to %q: not JSON", arg.Key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	var list []json.RawMessage
	if v, ok := s.values[arg.Key]; ok {
		if err := json.Unmarshal(v, &list); err != nil {
			return fmt.Errorf("append to %q: not a list", arg.Key)
		}
	}
	list = append(list, arg.Value)
	b, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("append to %q: %w", arg.Key, err)
	}
	s.values[arg.Key] = b
	*length = len(list)
	return nil
}

// Keys lists the keys in order.
func (s *Store) Keys(_ struct{}, keys *[]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	out := make([]string, 0, len(s.values))
	for k := range s.values {
		out = append(out, k)
	}
	slices.Sort(out)
	*keys = out
	return nil
}
