package magic

import (
	"reflect"
	"strings"
	"testing"
)

func TestMarkdownRoundTrip(t *testing.T) {
	rows := testRegistry(t).Rows()
	md := "Some text.\n\n" + Markdown(rows) + "\nMore text | with a bar.\n"
	got, err := ParseTable(md)
	if err != nil || !reflect.DeepEqual(got, rows) {
		t.Errorf("ParseTable(Markdown(rows)) = %v, %v; want %v", got, err, rows)
	}
}

func TestParseTable(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Row
		bad        string
	}{
		{"ok", "| magic | what |\n| --- | --- |\n| `%a` | does a |\n|  `%b x`  |  does b  |\n\nafter", []Row{{"%a", "does a"}, {"%b x", "does b"}}, ""},
		{"no table", "text", nil, "no table"},
		{"no header", "| a | b |\n| `%a` | x |", nil, "no header"},
		{"three cells", "| a | b |\n| --- | --- |\n| `%a` | x | y |", nil, "3 cells"},
		{"not code", "| a | b |\n| --- | --- |\n| %a | x |", nil, "not one code span"},
		{"two spans", "| a | b |\n| --- | --- |\n| `%a`, `%b` | x |", nil, "not one code span"},
	}
	for _, tt := range tests {
		got, err := ParseTable(tt.text)
		if tt.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("%s: ParseTable = %v, %v; want an error about %q", tt.name, got, err, tt.bad)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ParseTable = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
