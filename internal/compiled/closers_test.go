package compiled

import (
	"slices"
	"testing"
)

func TestClosers(t *testing.T) {
	tests := []struct {
		name  string
		added []string
		want  []string
	}{
		{name: "none"},
		{name: "last opened first", added: []string{"dir", "pipe", "copy"}, want: []string{"copy", "pipe", "dir"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var c closers
			for _, name := range tt.added {
				c.add(func() { got = append(got, name) })
			}
			c.close()
			c.close() // a second close owes nothing
			if !slices.Equal(got, tt.want) {
				t.Errorf("closed %q, want %q", got, tt.want)
			}
		})
	}
}
