package magic

import (
	"reflect"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	r := testRegistry(t)
	tests := []struct {
		marked     string // | is the cursor
		want       []string
		start, end int
	}{
		{"%ti|", []string{"%time", "%timeout"}, 0, 3},
		{"%time|", []string{"%time", "%timeout"}, 0, 5},
		{"%tim|eo", []string{"%time", "%timeout"}, 0, 6},
		{"%l|", []string{"%list", "%live", "%ls"}, 0, 2},
		{"x := 1\n%l|", []string{"%list", "%ls"}, 7, 9}, // %live only first
		{"\n  %li|", []string{"%list", "%live"}, 3, 6},
		{"%%sc|", []string{"%%script"}, 0, 4},
		{"%%|", []string{"%%bash", "%%script", "%%sh"}, 0, 2},
		{"//gonb:%ti|", []string{"%time", "%timeout"}, 7, 10},
		{"é\n%ti|", []string{"%time", "%timeout"}, 2, 5}, // code points
		{"x\n%%sc|", nil, 0, 0},                          // cell magics only first
		{"%time fm|", nil, 0, 0},
		{"%zz|", nil, 0, 0},
		{"x := %ti|", nil, 0, 0},
		{"fmt.Pr|", nil, 0, 0},
		{"|", nil, 0, 0},
	}
	for _, tt := range tests {
		cursor := len([]rune(tt.marked[:strings.Index(tt.marked, "|")]))
		code := strings.Replace(tt.marked, "|", "", 1)
		got, start, end, ok := r.Complete(code, cursor)
		if ok != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) || start != tt.start || end != tt.end {
			t.Errorf("Complete(%q) = %q [%d, %d) %v; want %q [%d, %d)", tt.marked, got, start, end, ok, tt.want, tt.start, tt.end)
		}
	}
	for _, cursor := range []int{-1, 99} {
		if _, _, _, ok := r.Complete("%ti", cursor); ok {
			t.Errorf("Complete(%%ti, %d) offered matches", cursor)
		}
	}
}
