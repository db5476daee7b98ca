package kernel

import (
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/magic"
)

func TestCheckGoFlags(t *testing.T) {
	tests := []struct {
		flags []string
		bad   string // part of the error; "" for none
	}{
		{[]string{"-race"}, ""},
		{[]string{"-tags=x", "-gcflags=-m"}, ""},
		{[]string{"-tags", "x,y", "-race"}, ""},
		{[]string{"--trimpath", "-buildmode=pie"}, ""},
		{[]string{"-buildmode", "exe"}, ""},
		{[]string{"fmt"}, "not a flag"},
		{[]string{"-race", "main.go"}, "not a flag"},
		{[]string{"-"}, "not a flag"},
		{[]string{"-o", "/tmp/x"}, "chooses where the program is built"},
		{[]string{"-o=/tmp/x"}, "chooses where"},
		{[]string{"--C=/"}, "module directory"},
		{[]string{"-modfile=x.mod"}, "go.mod"},
		{[]string{"-n"}, "nothing to run"},
		{[]string{"-buildmode=c-shared"}, "program to run"},
		{[]string{"-buildmode", "plugin"}, "program to run"},
		{[]string{"-tags"}, "needs a value"},
		{[]string{"-ldflags=-X a=\x00"}, "NUL"},
	}
	for _, tt := range tests {
		err := checkGoFlags(tt.flags)
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("checkGoFlags(%q) = %v, want nil", tt.flags, err)
		case tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad)):
			t.Errorf("checkGoFlags(%q) = %v, want an error about %q", tt.flags, err, tt.bad)
		}
	}
}

func TestParseGOMAXPROCS(t *testing.T) {
	tests := []struct {
		in   string
		want int // 0: refused
	}{
		{"1", 1}, {"2", 2}, {"1024", 1024},
		{"0", 0}, {"-1", 0}, {"1025", 0}, {"100000", 0}, {"two", 0}, {"", 0}, {"1.5", 0},
	}
	for _, tt := range tests {
		n, err := parseGOMAXPROCS("%gomaxprocs", tt.in)
		if tt.want == 0 {
			if err == nil || !strings.Contains(err.Error(), "from 1 to 1024") {
				t.Errorf("parseGOMAXPROCS(%q) = %d, %v; want the allowed range", tt.in, n, err)
			}
			continue
		}
		if err != nil || n != tt.want {
			t.Errorf("parseGOMAXPROCS(%q) = %d, %v; want %d", tt.in, n, err, tt.want)
		}
	}
}

func TestArityCheck(t *testing.T) {
	tests := []struct {
		a    magic.Arity
		n    int
		want string // part of the error; "" for none
	}{
		{noArgs, 0, ""}, {noArgs, 1, "takes no arguments"},
		{oneArg, 1, ""}, {oneArg, 0, "usage:"}, {oneArg, 2, "usage:"},
		{someArgs, 0, "usage:"}, {someArgs, 5, ""},
		{anyArgs, 0, ""}, {anyArgs, 9, ""},
		{magic.Arity{Min: 1, Max: 2}, 2, ""}, {magic.Arity{Min: 1, Max: 2}, 3, "usage:"},
	}
	for _, tt := range tests {
		err := checkArity(tt.a, "%m", "%m X", tt.n)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("checkArity(%v, %d) = %v, want %q", tt.a, tt.n, err, tt.want)
		}
	}
}

func TestEnvChecks(t *testing.T) {
	for _, name := range []string{"", "A=B", "A B", "A\nB"} {
		if checkEnvName(name) == nil {
			t.Errorf("checkEnvName(%q) accepted", name)
		}
	}
	if err := checkEnvName("GOGC"); err != nil {
		t.Errorf("checkEnvName(GOGC) = %v", err)
	}
	if checkEnvValue("GOMAXPROCS", "100000") == nil || checkEnvValue("GOMAXPROCS", "4") != nil || checkEnvValue("GOGC", "off") != nil {
		t.Error("checkEnvValue: GOMAXPROCS not checked like the magic, or another variable refused")
	}
	if noNUL("%args", "a", "b\x00") == nil || noNUL("%args", "a", "b") != nil {
		t.Error("noNUL")
	}
}
