package magic

import (
	"strings"
	"testing"
)

func TestNewRefuses(t *testing.T) {
	line := func(usage string, names ...string) Magic[int] {
		return Magic[int]{Kind: Line, Names: names, Usage: usage, Help: "help"}
	}
	tests := []struct {
		name   string
		magics []Magic[int]
		bad    string // part of the error
	}{
		{"twice", []Magic[int]{line("%a", "a"), line("%b", "b", "a")}, "%a is declared twice"},
		{"no name", []Magic[int]{line("%a")}, "no name"},
		{"bad name", []Magic[int]{line("%a b", "a b")}, "not a name"},
		{"usage", []Magic[int]{line("%ab", "a")}, "does not start with %a"},
		{"pipe", []Magic[int]{{Kind: Line, Names: []string{"a"}, Usage: "%a", Help: "a | b"}}, "without |"},
		{"no help", []Magic[int]{{Kind: Line, Names: []string{"a"}, Usage: "%a"}}, "no help"},
		{"syntax names", []Magic[int]{{Kind: Syntax, Names: []string{"a"}, Usage: "!a", Help: "h"}}, "no names"},
		{"kind", []Magic[int]{{Usage: "%a", Help: "h"}}, "unknown kind"},
	}
	for _, tt := range tests {
		_, err := New(tt.magics...)
		if err == nil || !strings.Contains(err.Error(), tt.bad) {
			t.Errorf("%s: New = %v, want an error about %q", tt.name, err, tt.bad)
		}
	}
	// A line magic and a cell magic may share a name: %%x is not %x.
	if _, err := New(line("%a", "a"), Magic[int]{Kind: Cell, Names: []string{"a"}, Usage: "%%a", Help: "h"}); err != nil {
		t.Errorf("New(%%a, %%%%a) = %v", err)
	}
}

func TestLookup(t *testing.T) {
	r := testRegistry(t)
	tests := []struct {
		kind Kind
		name string
		want string // "" for not found
	}{
		{Line, "time", "time"},
		{Line, "list", "ls"},
		{Line, "live", ""},
		{FirstLine, "live", "live"},
		{Cell, "bash", "sh"},
		{Line, "script", ""},
		{Cell, "time", ""},
	}
	for _, tt := range tests {
		m, ok := r.Lookup(tt.kind, tt.name)
		if ok != (tt.want != "") || m.Run != tt.want {
			t.Errorf("Lookup(%v, %q) = %q, %v; want %q", tt.kind, tt.name, m.Run, ok, tt.want)
		}
	}
}

func TestFirstLine(t *testing.T) {
	r := testRegistry(t)
	tests := []struct {
		code string
		want Use
		ok   bool
	}{
		{"%live\nx := 1", Use{Line: 1, Name: "live"}, true},
		{"\n  %live reset  \nx", Use{Line: 2, Name: "live", Args: "reset"}, true},
		{"%live\ta b", Use{Line: 1, Name: "live", Args: "a b"}, true},
		{"%time\n%live", Use{}, false},
		{"%lively", Use{}, false},
		{"x := 1\n%live", Use{}, false},
		{"", Use{}, false},
	}
	for _, tt := range tests {
		m, use, ok := r.FirstLine(tt.code)
		if ok != tt.ok || use != tt.want || (ok && m.Run != "live") {
			t.Errorf("FirstLine(%q) = %q, %+v, %v; want %+v, %v", tt.code, m.Run, use, ok, tt.want, tt.ok)
		}
	}
}

func TestSyntax(t *testing.T) {
	m := Magic[int]{Kind: Cell, Names: []string{"sh", "bash", "zsh"}, Usage: "%%sh [ARGS...]"}
	if got, want := m.Syntax(), "%%sh [ARGS...], %%bash, %%zsh"; got != want {
		t.Errorf("Syntax() = %q, want %q", got, want)
	}
}
