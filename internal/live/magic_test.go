package live

import (
	"fmt"
	"testing"
)

func TestStrip(t *testing.T) {
	tests := []struct {
		code, body string
		reset, ok  bool
		bad        bool
	}{
		{code: "%live\nx := 1", body: "\nx := 1", ok: true},
		{code: "\n  %live  \nx := 1\n", body: "\n\nx := 1\n", ok: true},
		{code: "%live reset", body: "", reset: true, ok: true},
		{code: "%live reset\nx := 1", body: "\nx := 1", reset: true, ok: true},
		{code: "%live now\nx", body: "\nx", ok: true, bad: true},
		{code: "%live\treset\nx", body: "\nx", reset: true, ok: true},
		{code: "x := 1\n%live", body: "x := 1\n%live"},
		{code: "%lively\nx", body: "%lively\nx"},
		{code: "", body: ""},
	}
	for _, tt := range tests {
		body, reset, ok, err := Strip(tt.code)
		if body != tt.body || reset != tt.reset || ok != tt.ok || (err != nil) != tt.bad {
			t.Errorf("Strip(%q) = %q, %v, %v, %v; want %q, %v, %v, error %v", tt.code, body, reset, ok, err, tt.body, tt.reset, tt.ok, tt.bad)
		}
	}
}

func ExampleStrip() {
	body, reset, ok, _ := Strip("%live\nfmt.Println(x)")
	fmt.Printf("%q %v %v\n", body, reset, ok)
	// Output: "\nfmt.Println(x)" false true
}
