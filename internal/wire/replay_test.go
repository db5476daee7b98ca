package wire

import "testing"

func TestReplayGuard(t *testing.T) {
	g := newReplayGuard(3)
	steps := []struct {
		sig   string
		first bool
	}{
		{"a", true}, {"b", true}, {"a", false}, {"c", true}, {"b", false},
		{"d", true}, // full: forgets a, the oldest
		{"a", true}, // forgets b
		{"c", false}, {"d", false}, {"b", true},
	}
	for i, s := range steps {
		if got := g.firstUse([]byte(s.sig)); got != s.first {
			t.Fatalf("step %d: firstUse(%q) = %v, want %v", i, s.sig, got, s.first)
		}
	}
	if len(g.seen) != 3 {
		t.Errorf("remembers %d signatures, want 3", len(g.seen))
	}
}
