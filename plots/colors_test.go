package plots

import (
	"image/color"
	"slices"
	"testing"
)

func TestPaletteConventionalColorsAreFixed(t *testing.T) {
	a, b := NewPalette(), NewPalette()
	b.Color("parse") // an unknown name first must not shift the others
	for _, c := range conventional {
		if got := a.Color(c.name); got != color.Color(c.color) {
			t.Errorf("Color(%q) = %v, want %v", c.name, got, c.color)
		}
		if a.Color(c.name) != b.Color(c.name) {
			t.Errorf("Color(%q) depends on what was asked before", c.name)
		}
	}
	if a.Color(" CPU ") != a.Color("cpu") {
		t.Error("names should match regardless of case and space")
	}
	if a.Color("") != unphasedColor || a.Color(Unphased) != unphasedColor {
		t.Error("unphased time should be gray")
	}
}

func TestPaletteUnknownNamesInFirstSeenOrder(t *testing.T) {
	p := NewPalette()
	names := []string{"parse", "render", "parse", "encode"}
	want := []color.Color{extra[0], extra[1], extra[0], extra[2]}
	for i, n := range names {
		if got := p.Color(n); got != want[i] {
			t.Errorf("Color(%q) = %v, want %v", n, got, want[i])
		}
	}
	seen := map[color.Color]bool{}
	for _, c := range conventional {
		seen[c.color] = true
	}
	for _, c := range extra {
		if seen[c] {
			t.Errorf("extra color %v repeats a conventional one", c)
		}
		seen[c] = true
	}
}

func TestPaletteOrder(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"conventional first", []string{"io", "parse", "cpu"}, []string{"cpu", "io", "parse"}},
		{"unphased last", []string{Unphased, "sleep", ""}, []string{"sleep", Unphased}},
		{"duplicates dropped", []string{"cpu", "CPU", "cpu"}, []string{"cpu"}},
		{"first-seen order", []string{"zeta", "alpha"}, []string{"zeta", "alpha"}},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewPalette().Order(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Order(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
