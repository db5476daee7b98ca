package plots

import (
	"math"
	"strings"
	"testing"
)

func TestBarsRenders(t *testing.T) {
	tests := []struct {
		name string
		bars []Bar
		refs []float64
		bad  string // part of the render error; "" for none
	}{
		{"speedups", []Bar{{Label: "a", Value: 1.9}, {Label: "b", Value: 0.5}}, []float64{1, 2}, ""},
		{"no bars", nil, []float64{1}, ""},
		{"zeros", []Bar{{Label: "a"}, {Label: "b"}}, nil, ""},
		{"negative", []Bar{{Label: "a", Value: -1}}, nil, "finite value of at least 0"},
		{"NaN", []Bar{{Label: "a", Value: math.NaN()}}, nil, "finite value"},
		{"infinite", []Bar{{Label: "a", Value: math.Inf(1)}}, nil, "finite value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Bars("t", "x", tt.bars, tt.refs...)
			png, err := c.PNG()
			if tt.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("PNG error %v, want one about %q", err, tt.bad)
				}
				return
			}
			if err != nil || len(png) == 0 {
				t.Fatalf("PNG: %v", err)
			}
			if _, err := c.SVG(); err != nil {
				t.Fatalf("SVG: %v", err)
			}
		})
	}
}

// The first bar is drawn on top and every bar's text is in the summary.
func TestBarsOrder(t *testing.T) {
	c := Bars("t", "", []Bar{{Label: "first", Value: 1}, {Label: "second", Value: 3, Text: "3x"}})
	ticks := c.Plot().Y.Tick.Marker.Ticks(c.Plot().Y.Min, c.Plot().Y.Max)
	top := map[string]float64{}
	for _, tk := range ticks {
		top[tk.Label] = tk.Value
	}
	if top["first"] <= top["second"] {
		t.Errorf("first at %v, second at %v: want the first on top", top["first"], top["second"])
	}
	if s := c.String(); !strings.Contains(s, "first   1\n") || !strings.Contains(s, "second  3x\n") {
		t.Errorf("summary:\n%s", s)
	}
	if c.Plot().X.Max < 3 {
		t.Errorf("x axis ends at %v, before the longest bar", c.Plot().X.Max)
	}
}
