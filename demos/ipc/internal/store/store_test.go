package store

import (
	"slices"
	"strings"
	"testing"
)

func TestStore(t *testing.T) {
	s := New()
	var none struct{}
	steps := []struct {
		name    string
		run     func() error
		wantErr string
	}{
		{"set", func() error { return s.Set(KeyValue{"n", []byte("5")}, &none) }, ""},
		{"set not JSON", func() error { return s.Set(KeyValue{"bad", []byte("{")}, &none) }, "not JSON"},
		{"add", func() error {
			var sum int64
			if err := s.Add(KeyDelta{"n", 3}, &sum); err != nil || sum != 8 {
				t.Errorf("Add = %d", sum)
			}
			return nil
		}, ""},
		{"add to absent", func() error {
			var sum int64
			if err := s.Add(KeyDelta{"fresh", -2}, &sum); err != nil || sum != -2 {
				t.Errorf("Add = %d", sum)
			}
			return nil
		}, ""},
		{"append", func() error {
			var n int
			for i, v := range []string{`1`, `"two"`, `{"three":3}`} {
				if err := s.Append(KeyValue{"list", []byte(v)}, &n); err != nil || n != i+1 {
					t.Errorf("Append %s: length %d, %v", v, n, err)
				}
			}
			return nil
		}, ""},
		{"append to a number", func() error { var n int; return s.Append(KeyValue{"n", []byte("1")}, &n) }, "not a list"},
		{"append not JSON", func() error { var n int; return s.Append(KeyValue{"list", []byte("[")}, &n) }, "not JSON"},
		{"add to a list", func() error { var sum int64; return s.Add(KeyDelta{"list", 1}, &sum) }, "not an integer"},
	}
	for _, st := range steps {
		err := st.run()
		if st.wantErr == "" && err != nil || st.wantErr != "" && (err == nil || !strings.Contains(err.Error(), st.wantErr)) {
			t.Errorf("%s: %v, want error %q", st.name, err, st.wantErr)
		}
	}
	var f Found
	s.Get("list", &f)
	if !f.OK || string(f.Value) != `[1,"two",{"three":3}]` {
		t.Errorf("list = %s", f.Value)
	}
	s.Get("absent", &f)
	if f.OK {
		t.Error("absent key found")
	}
	var keys []string
	s.Keys(struct{}{}, &keys)
	if !slices.Equal(keys, []string{"fresh", "list", "n"}) {
		t.Errorf("keys %v", keys)
	}
	if s.Calls() == 0 {
		t.Error("no calls counted")
	}
}
