package display

import "sync"

// DisplayIDs remembers the transient display ids that already have an output
// block. The first display with a given id creates the block (display_data
// with a display_id); later ones update it (update_display_data).
//
// By default each Channel has its own set, so a cell that is run again with
// the same fixed id creates a fresh block under the new run instead of
// updating an output that Jupyter cleared. Share one set between Channels
// (WithDisplayIDs) to let a cell update a block made by an earlier cell.
//
// A DisplayIDs is safe for concurrent use. The zero value is ready to use.
type DisplayIDs struct {
	mu   sync.Mutex
	seen map[string]struct{}
}

// Mark records id and reports whether it had been recorded before, that is
// whether a display with this id must be an update.
func (s *DisplayIDs) Mark(id string) (seen bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[id]; ok {
		return true
	}
	if s.seen == nil {
		s.seen = make(map[string]struct{})
	}
	s.seen[id] = struct{}{}
	return false
}

// Reset forgets every id, e.g. when the kernel session is reset.
func (s *DisplayIDs) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = nil
}
