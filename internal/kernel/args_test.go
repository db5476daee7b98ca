package kernel

import (
	"reflect"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"-race", []string{"-race"}, false},
		{"  -race   -v ", []string{"-race", "-v"}, false},
		{`""`, []string{""}, false},
		{`NAME "a b"`, []string{"NAME", "a b"}, false},
		{`'it''s'`, []string{"its"}, false},
		{`a\ b c`, []string{"a b", "c"}, false},
		{`"say \"hi\""`, []string{`say "hi"`}, false},
		{`-ldflags='-s -w'`, []string{"-ldflags=-s -w"}, false},
		{`"open`, nil, true},
		{`'open`, nil, true},
	}
	for _, tt := range tests {
		got, err := splitArgs(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("splitArgs(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
