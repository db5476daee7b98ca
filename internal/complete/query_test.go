package complete

import "testing"

func TestByteOffset(t *testing.T) {
	tests := []struct {
		s      string
		cursor int
		want   int
		ok     bool
	}{
		{"", 0, 0, true},
		{"abc", 3, 3, true},
		{"abc", 1, 1, true},
		{"héllo", 2, 3, true}, // é is two bytes
		{"héllo", 5, 6, true},
		{"π := 1", 1, 2, true},
		{"abc", 4, 0, false},
		{"abc", -1, 0, false},
	}
	for _, tt := range tests {
		got, ok := byteOffset(tt.s, tt.cursor)
		if got != tt.want || ok != tt.ok {
			t.Errorf("byteOffset(%q, %d) = %d, %v; want %d, %v", tt.s, tt.cursor, got, ok, tt.want, tt.ok)
		}
		if ok && runeOffset(tt.s, got) != tt.cursor {
			t.Errorf("runeOffset(%q, %d) = %d; want %d", tt.s, got, runeOffset(tt.s, got), tt.cursor)
		}
	}
}

func TestExprStart(t *testing.T) {
	tests := []struct {
		src  string // the expression ends at the end of src
		want string // the expression found
	}{
		{"x := wg", "wg"},
		{"a.b.c", "a.b.c"},
		{"fmt.Println(f(x), y", "y"},
		{"recs[i].Tasks[0]", "recs[i].Tasks[0]"},
		{"v.(Point)", "v.(Point)"},
		{"time.Now()", "time.Now()"},
		{`strings.NewReader("a)b")`, `strings.NewReader("a)b")`},
		{"Point{X: 1}", "Point{X: 1}"},
		{"(*p)", "(*p)"},
		{"x + ", ""},
		{"f(a]", "<nil>"},
	}
	for _, tt := range tests {
		i := exprStart(tt.src, len(tt.src))
		got := "<nil>"
		if i >= 0 {
			got = tt.src[i:]
		}
		if got != tt.want {
			t.Errorf("exprStart(%q) = %q; want %q", tt.src, got, tt.want)
		}
	}
}

func TestCompletionQuery(t *testing.T) {
	tests := []struct {
		marked       string
		ok           bool
		prefix, recv string
		word         string // the text from start to end
	}{
		{"fmt.Pr|", true, "Pr", "fmt", "Pr"},
		{"fmt.Pr|intln(x)", true, "Pr", "fmt", "Println"},
		{"wg.|", true, "", "wg", ""},
		{"x := ap|", true, "ap", "", "ap"},
		{"time.Now().|", true, "", "time.Now()", ""},
		{"f(xs...|", false, "", "", ""},
		{"x := 1.|", false, "", "", ""},
		{"x := 12|", false, "", "", ""},
		{`s := "fmt.|"`, false, "", "", ""},
		{"// fmt.|", false, "", "", ""},
		{"/* a */ fmt.P|", true, "P", "fmt", "P"},
		{"%time fm|", false, "", "", ""},
		{"!ls fm|", false, "", "", ""},
		{"x := +.|", false, "", "", ""},
		{"π|", true, "π", "", "π"},
	}
	for _, tt := range tests {
		cell, cursor := at(t, tt.marked)
		q, ok := completionQuery(cell, cursor)
		if ok != tt.ok {
			t.Errorf("%q: ok = %v; want %v", tt.marked, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if q.prefix != tt.prefix || q.recv != tt.recv || q.src[q.start:q.end] != tt.word {
			t.Errorf("%q: prefix %q recv %q word %q; want %q %q %q", tt.marked, q.prefix, q.recv, q.src[q.start:q.end], tt.prefix, tt.recv, tt.word)
		}
	}
}

func TestInspectQuery(t *testing.T) {
	tests := []struct {
		marked     string
		ok         bool
		name, recv string
	}{
		{"fmt.Println(|", true, "Println", "fmt"},
		{"fmt.Println(a, b|", true, "Println", "fmt"},
		{"fmt.Println(strings.Rep|eat(\"a\", 2))", true, "Repeat", "strings"},
		{"fmt.Println(\n\ta,\n\tb|,\n)", true, "Println", "fmt"},
		{"go func() {\n\tx|\n}()", true, "x", ""},
		{"x := (a + b|)", true, "b", ""},
		{"answ|er", true, "answer", ""},
		{"fmt.Println(a, |", true, "Println", "fmt"},
		{"fmt.Print|ln", true, "Println", "fmt"},
		{"|fmt", true, "fmt", ""},
		{"wg.Add (|", true, "Add", "wg"},
		{"x := (|", false, "", ""},
		{"for| {", false, "", ""},
		{"|", false, "", ""},
		{`s := "a|"`, false, "", ""},
	}
	for _, tt := range tests {
		cell, cursor := at(t, tt.marked)
		q, ok := inspectQuery(cell, cursor)
		if ok != tt.ok {
			t.Errorf("%q: ok = %v; want %v", tt.marked, ok, tt.ok)
			continue
		}
		if ok && (q.prefix != tt.name || q.recv != tt.recv) {
			t.Errorf("%q: name %q recv %q; want %q %q", tt.marked, q.prefix, q.recv, tt.name, tt.recv)
		}
	}
}
