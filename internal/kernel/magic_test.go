package kernel

import (
	"reflect"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/magic"
)

func testMagics(t *testing.T) magic.Registry[magicHandler] {
	t.Helper()
	reg, err := magicTable()
	if err != nil {
		t.Fatalf("magicTable: %v", err)
	}
	return reg
}

func TestMagicTableHandlers(t *testing.T) {
	for _, m := range testMagics(t).All() {
		if (m.Run == nil) != (m.Kind == magic.Syntax) {
			t.Errorf("%s: a handler is %v; want one exactly for magics (not syntax)", m.Usage, m.Run != nil)
		}
	}
}

func TestMagicTableComplete(t *testing.T) {
	reg := testMagics(t)
	tests := []struct {
		code string
		want []string
	}{
		{"%ti", []string{"%time", "%timeout"}},
		{"%%sc", []string{"%%script"}},
		{"%%py", []string{"%%python", "%%python3"}},
		{"%li", []string{"%list", "%live"}},
		{"x := 1\n%li", []string{"%list"}},
		{"%r", []string{"%race", "%remove", "%reset", "%rm"}},
	}
	for _, tt := range tests {
		got, start, end, _ := reg.Complete(tt.code, len([]rune(tt.code)))
		line := strings.LastIndexByte(tt.code, '\n') + 1
		if !reflect.DeepEqual(got, tt.want) || start != line || end != len(tt.code) {
			t.Errorf("Complete(%q) = %q [%d, %d); want %q [%d, %d)", tt.code, got, start, end, tt.want, line, len(tt.code))
		}
	}
}

func TestHelpListsEveryMagic(t *testing.T) {
	reg := testMagics(t)
	d := helpDisplay(reg, "memory note")
	text, _ := d.Data["text/plain"].(string)
	h, _ := d.Data["text/html"].(string)
	for _, want := range []string{"%live [reset]", "%%script COMMAND", "%%bash", "%%python3", "%time", "%rm NAME..., %remove", "!command", "%% or %main", "memory note"} {
		if !strings.Contains(text, want) {
			t.Errorf("%%help's text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(h, "<code>%live [reset]</code>") {
		t.Errorf("%%help's HTML lacks %%live:\n%s", h)
	}
}
