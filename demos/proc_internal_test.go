//go:build linux

package demos

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestChildThatMissesItsFunctionRefuses starts this test binary as a child
// for a name nothing registers, so that the child goes on to run the tests
// (its main) and reaches this test again, where it tries to start a child
// of its own: it must refuse, tell its parent why and exit.
func TestChildThatMissesItsFunctionRefuses(t *testing.T) {
	if funcs.child != "" {
		// The misdirected child: this start must end the process.
		startChild(context.Background(), "test.cube", startRun(), newProcSampler(startRun()))
		t.Fatal("a misdirected child started a process")
	}
	c, err := spawnChild(context.Background(), "test.nothing-registers-this", startRun(),
		"-test.run=^TestChildThatMissesItsFunctionRefuses$")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.do(0, []byte("null"))
	if !errors.Is(err, errFatalChild) || !strings.Contains(err.Error(), "never reached demos.Func") {
		t.Errorf("reply error %v, want the child's refusal", err)
	}
	ps, _ := c.finish()
	if ps.ExitCode() != exitRefused {
		t.Errorf("child exit code %d, want %d", ps.ExitCode(), exitRefused)
	}
}

func TestMayStartLimitsDepth(t *testing.T) {
	r := newRegistry("", "4")
	r.funcs["f"] = nil
	if err := r.mayStart("f"); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("mayStart at depth 4: %v", err)
	}
	r = newRegistry("", "1")
	r.funcs["f"] = nil
	if err := r.mayStart("f"); err != nil {
		t.Errorf("mayStart at depth 1: %v", err)
	}
	if err := r.mayStart("g"); err == nil {
		t.Error("mayStart of an unregistered name: no error")
	}
}

func TestChildEnv(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"plain", []string{"HOME=/root"},
			[]string{"HOME=/root", envFunc + "=f", envDepth + "=2", "GORACE=atexit_sleep_ms=0"}},
		{"replaces a parent's role", []string{envFunc + "=old", envDepth + "=1", "A=b"},
			[]string{"A=b", envFunc + "=f", envDepth + "=2", "GORACE=atexit_sleep_ms=0"}},
		{"keeps race options", []string{"GORACE=halt_on_error=1"},
			[]string{envFunc + "=f", envDepth + "=2", "GORACE=halt_on_error=1 atexit_sleep_ms=0"}},
		{"respects a chosen exit sleep", []string{"GORACE=atexit_sleep_ms=50"},
			[]string{envFunc + "=f", envDepth + "=2", "GORACE=atexit_sleep_ms=50"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := childEnv(tt.env, "f", 2); !slices.Equal(got, tt.want) {
				t.Errorf("childEnv = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	r := newRegistry("", "")
	tests := []struct {
		name    string
		atInit  bool
		wantErr string
	}{
		{"f", true, ""},
		{"g", true, ""},
		{"", true, "empty"},
		{"f", true, "already registered"},
		{"h", false, "package level"},
	}
	for _, tt := range tests {
		err := r.register(tt.name, nil, tt.atInit)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("register(%q, atInit %v) = %v, want error containing %q", tt.name, tt.atInit, err, tt.wantErr)
		}
	}
	if _, ok := r.funcs["h"]; ok {
		t.Error("a name refused for lateness was registered anyway")
	}
}

func TestDuringInit(t *testing.T) {
	if duringInit() {
		t.Error("duringInit is true inside a test")
	}
	if !registeredAtInit {
		t.Error("duringInit was false in a package-level initializer")
	}
}

// registeredAtInit records what duringInit says during package
// initialization.
var registeredAtInit = duringInit()
