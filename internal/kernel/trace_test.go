package kernel

import (
	"testing"

	"github.com/conclab/conclab/internal/live"
)

func TestLiveMeasures(t *testing.T) {
	tests := []struct {
		cell  string
		body  string // the body the live engine gets
		trace bool
		title string
		time  bool
		err   bool
	}{
		{cell: "%live\n%trace\nfmt.Println(1)", body: "\n\nfmt.Println(1)", trace: true},
		{cell: "%live\n%trace two \"workers take turns\"\ngo f()", body: "\n\ngo f()", trace: true, title: "two workers take turns"},
		{cell: "%live\nx := 1\n  //gonb:%trace\n", body: "\nx := 1\n\n", trace: true},
		{cell: "%live\n%time\n%trace\nx := 1", body: "\n\n\nx := 1", trace: true, time: true},
		{cell: "%live\nfmt.Println(\"%trace\")", body: "\nfmt.Println(\"%trace\")"},
		{cell: "%live\n// %time in a comment is not a magic", body: "\n// %time in a comment is not a magic"},
		{cell: "%live\ns := `\n%trace\n`\nfmt.Println(s)", body: "\ns := `\n%trace\n`\nfmt.Println(s)"},
		{cell: "%live\n%race\nx := 1", body: "\n%race\nx := 1"}, // the live engine refuses it
		{cell: "%live\n%time now\nx := 1", err: true},
		{cell: "%live\n%trace \"open\nx := 1", err: true},
	}
	for _, tt := range tests {
		body, _, ok, _ := live.Strip(tt.cell)
		if !ok {
			t.Fatalf("%q is not a live cell", tt.cell)
		}
		got, st, err := liveMeasures(body)
		switch {
		case tt.err && err == nil:
			t.Errorf("%q: no error", tt.cell)
		case tt.err:
		case err != nil:
			t.Errorf("%q: %v", tt.cell, err)
		case got != tt.body || st.Trace != tt.trace || st.TraceTitle != tt.title || st.Time != tt.time:
			t.Errorf("%q: body %q, trace %v %q, time %v; want %q, %v %q, %v",
				tt.cell, got, st.Trace, st.TraceTitle, st.Time, tt.body, tt.trace, tt.title, tt.time)
		}
	}
}
