package live

import (
	"errors"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

func testKnowledge(live map[string]string) *knowledge {
	if live == nil {
		live = map[string]string{}
	}
	return &knowledge{packages: defaultPackages(), paths: knownPaths(), live: live,
		types: map[string]string{"point": typeText("point struct{ X, Y int }")}}
}

func TestPrepareRejects(t *testing.T) {
	tests := []struct {
		name string
		code string
		live map[string]string
		want string // in the error's value
	}{
		{"return in range over func", "func seq(yield func(int) bool) {}\nfunc f() {\n\tfor x := range seq {\n\t\treturn\n\t}\n}", nil, "line 4: return inside the body of a range over a function"},
		{"break to an outer loop", "func seq(yield func(int) bool) {}\nouter:\nfor {\n\tfor x := range seq {\n\t\tbreak outer\n\t}\n}", nil, "line 5: break outer"},
		{"continue to an outer loop", "func seq(yield func(int) bool) {}\nouter:\nfor i := 0; i < 2; i++ {\n\tfor x := range seq {\n\t\tcontinue outer\n\t}\n}", nil, "line 5: continue outer"},
		{"defer in range over func", "func seq(yield func(int) bool) {}\nfor x := range seq {\n\tdefer fmt.Println(x)\n}", nil, "line 3: defer inside"},
		{"goto in range over func", "func seq(yield func(int) bool) {}\nfor x := range seq {\n\tgoto end\n}\nend:", nil, "line 3: goto inside"},
		{"range over live func", "for x := range seq {\n\t_ = x\n}", map[string]string{"seq": "func"}, "line 1: range over a function whose element types"},
		{"min builtin", "fmt.Println(min(1, 2))", nil, "the built-in min"},
		{"clear builtin", "m := map[int]int{}\nclear(m)", nil, "line 2: the built-in clear"},
		{"slices", "s := []int{3, 1}\nslices.Sort(s)", nil, "package slices (slices.Sort)"},
		{"generic alias", "type List[T any] = []T", nil, "generic type alias"},
		{"unknown package", "import \"plugin\"", nil, `package "plugin" is not available`},
		{"generic function of the standard library", "f := sync.OnceValue(func() int { return 1 })", nil, "line 1: sync.OnceValue is generic"},
		{"generic type of the standard library", "var p atomic.Pointer[int]", nil, "line 1: atomic.Pointer is generic"},
		{"generic function of demos", "demos.Map(nil, 2, nil)", nil, "line 1: demos.Map is generic"},
		{"iter.Pull", "import \"iter\"\nnext, stop := iter.Pull(nil)", nil, "line 2: iter.Pull is generic"},
		{"cgo", "import \"C\"", nil, "cgo"},
		{"magic", "%time\nx := 1", nil, "the magic %time"},
		{"shell", "!ls\nx := 1", nil, "shell lines"},
		{"changed type", "type point struct {\n\tX, Y, Z int\n}", nil, "type point already has another definition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prepare(tt.code, 1, testKnowledge(tt.live))
			var ce *engine.Error
			if !errors.As(err, &ce) {
				t.Fatalf("prepare(%q) = %v, want a *engine.Error", tt.code, err)
			}
			if ce.Name != "NotInLive" || !strings.Contains(ce.Value, tt.want) {
				t.Errorf("error = %s: %s, want NotInLive containing %q", ce.Name, ce.Value, tt.want)
			}
			if !strings.Contains(ce.Traceback[len(ce.Traceback)-1], "without %live") {
				t.Errorf("traceback %q does not suggest the compiled engine", ce.Traceback)
			}
		})
	}
}

func TestPrepareAccepts(t *testing.T) {
	tests := []struct {
		name string
		code string
		live map[string]string
	}{
		{"range over slice", "for i, v := range []int{1} {\n\t_, _ = i, v\n}", nil},
		{"range over channel", "ch := make(chan int)\nclose(ch)\nfor v := range ch {\n\t_ = v\n}", nil},
		{"range over live slice", "for i := range xs {\n\t_ = i\n}", map[string]string{"xs": "slice"}},
		{"user-defined min", "func min(a, b int) int { return a }\nfmt.Println(min(1, 2))", nil},
		{"live min", "fmt.Println(min(1, 2))", map[string]string{"min": "func"}},
		{"variable named slices", "slices := []int{1}\nfmt.Println(slices[0])", nil},
		{"same type again", "type point struct {\n\tX, Y int\n}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := prepare(tt.code, 1, testKnowledge(tt.live)); err != nil {
				t.Errorf("prepare(%q) = %v", tt.code, err)
			}
		})
	}
}

func TestPrepareSyntaxError(t *testing.T) {
	_, err := prepare("x := \nfmt.Println(", 1, testKnowledge(nil))
	var ce *engine.Error
	if !errors.As(err, &ce) || ce.Name != "SyntaxError" || !strings.HasPrefix(ce.Value, "line ") {
		t.Fatalf("got %v, want a SyntaxError with a cell line", err)
	}
}

func TestPrepareSegments(t *testing.T) {
	tests := []struct {
		name string
		code string
		want []liveproto.Segment
		show bool
	}{
		{
			name: "statements only",
			code: "x := 1\nx",
			want: []liveproto.Segment{{Src: "x := 1"}, {Src: "\nx"}},
			show: true,
		},
		{
			name: "declarations only",
			code: "func f() {}\n\ntype T int",
			want: []liveproto.Segment{{Decls: true, Src: "func f() {}\n\ntype T int"}},
		},
		{
			name: "in cell order",
			code: "n := 0\nfunc inc() { n++ }\ninc()\nn",
			want: []liveproto.Segment{
				{Src: "n := 0"},
				{Decls: true, Src: "\nfunc inc() { n++ }"},
				{Src: "\n\n{inc()\n}"},
				{Src: "\n\n\nn"},
			},
			show: true,
		},
		{
			name: "call is not shown",
			code: "fmt.Println(1)",
			want: []liveproto.Segment{{Src: "{fmt.Println(1)\n}"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := prepare(tt.code, 1, testKnowledge(nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Segments) != len(tt.want) {
				t.Fatalf("segments = %+v, want %+v", p.Segments, tt.want)
			}
			for i := range tt.want {
				if p.Segments[i] != tt.want[i] {
					t.Errorf("segment %d = %+v, want %+v", i, p.Segments[i], tt.want[i])
				}
			}
			if p.Show != tt.show {
				t.Errorf("show = %v, want %v", p.Show, tt.show)
			}
		})
	}
}

func TestPrepareImports(t *testing.T) {
	tests := []struct {
		name string
		code string
		live map[string]string
		want []liveproto.ImportRef
	}{
		{"auto", "fmt.Println(rand.Intn(3), strings.ToUpper(\"a\"))", nil, []liveproto.ImportRef{
			{Name: "fmt", Path: "fmt", Auto: true},
			{Name: "rand", Path: "math/rand", Auto: true},
			{Name: "strings", Path: "strings", Auto: true},
		}},
		{"explicit first", "import cr \"crypto/rand\"\nb := make([]byte, 1)\ncr.Read(b)", nil, []liveproto.ImportRef{
			{Name: "cr", Path: "crypto/rand", Line: 1},
		}},
		{"project packages", "var r *demos.Recording\n_ = r", nil, []liveproto.ImportRef{
			{Name: "demos", Path: "github.com/conclab/conclab/demos", Auto: true},
		}},
		{"live name shadows a package", "fmt.Println(time)", map[string]string{"fmt": "package", "time": "int"}, nil},
		{"local variable is no package", "strings := []string{\"a\"}\n_ = strings", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := prepare(tt.code, 1, testKnowledge(tt.live))
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Imports) != len(tt.want) {
				t.Fatalf("imports = %+v, want %+v", p.Imports, tt.want)
			}
			for i := range tt.want {
				if p.Imports[i] != tt.want[i] {
					t.Errorf("import %d = %+v, want %+v", i, p.Imports[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoopVarRewrite(t *testing.T) {
	tests := []struct {
		name string
		code string
		want string // the loop's liveproto.Segment
	}{
		{
			name: "closure in range",
			code: "for _, v := range xs {\n\tgo func() { use(v) }()\n}",
			want: "{for _, v := range xs { v_1 := v;\n\tconclab_live.Go(1, 2); go func() { use(v_1) }()\n}\n}",
		},
		{
			name: "address in three-clause loop",
			code: "for i := 0; i < 3; i++ {\n\tps = append(ps, &i)\n}",
			want: "{for i := 0; i < 3; i++ { i_1 := i;\n\tps = append(ps, &i_1)\n}\n}",
		},
		{
			name: "no capture, no copy",
			code: "for i := 0; i < 3; i++ {\n\tuse(i)\n}",
			want: "{for i := 0; i < 3; i++ {\n\tuse(i)\n}\n}",
		},
		{
			name: "assigned in a three-clause body: left alone",
			code: "for i := 0; i < 3; i++ {\n\ti++\n\tgo func() { use(i) }()\n}",
			want: "{for i := 0; i < 3; i++ {\n\ti++\n\tconclab_live.Go(1, 3); go func() { use(i) }()\n}\n}",
		},
		{
			name: "shadowed in the closure is not the loop variable",
			code: "for _, v := range xs {\n\tgo func(v int) { use(v) }(v)\n}",
			want: "{for _, v := range xs {\n\tconclab_live.Go(1, 2); go func(v int) { use(v) }(v)\n}\n}",
		},
		{
			name: "fresh name avoids the cell's names",
			code: "v_1 := 0\nfor _, v := range xs {\n\tgo func() { use(v, v_1) }()\n}",
			want: "\n{for _, v := range xs { v_2 := v;\n\tconclab_live.Go(1, 3); go func() { use(v_2, v_1) }()\n}\n}",
		},
		{
			name: "a struct field of the same name is not the loop variable",
			code: "type T struct{ v int }\nfor _, v := range xs {\n\tgo func() { use(T{v: v}) }()\n}",
			want: "\n{for _, v := range xs { v_1 := v;\n\tconclab_live.Go(1, 3); go func() { use(T{v: v_1}) }()\n}\n}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := prepare(tt.code, 1, testKnowledge(map[string]string{"xs": "slice", "ps": "slice", "use": "func"}))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.Segments); n == 0 || p.Segments[n-1].Src != tt.want {
				t.Errorf("segments = %+v,\nwant the loop as %q", p.Segments, tt.want)
			}
		})
	}
}

func TestRangeOverEarlierCellsIterator(t *testing.T) {
	first, err := prepare("func count(n int) func(func(int) bool) { return nil }\nseq := count(2)\npt := point{}", 1, testKnowledge(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"count": "func(n int) func(func(int) bool)", "seq": "func(func(int) bool)"}
	if len(first.Sigs) != len(want) || first.Sigs["count"] != want["count"] || first.Sigs["seq"] != want["seq"] {
		t.Fatalf("sigs = %q, want %q (not pt: its type is the session's)", first.Sigs, want)
	}
	k := testKnowledge(map[string]string{"count": "func", "seq": "func"})
	k.sigs = first.Sigs
	tests := []struct{ code, want string }{
		{"for x := range seq {\n\t_ = x\n}", "{seq(func(x int) bool {\n\t_ = x\n;return true})\n}"},
		{"for x := range count(3) {\n}", "{count(3)(func(x int) bool {\n;return true})\n}"},
	}
	for _, tt := range tests {
		p, err := prepare(tt.code, 1, k)
		if err != nil {
			t.Fatalf("prepare(%q): %v", tt.code, err)
		}
		if n := len(p.Segments); n == 0 || p.Segments[n-1].Src != tt.want {
			t.Errorf("prepare(%q) segments = %+v, want %q", tt.code, p.Segments, tt.want)
		}
	}
}

func TestRangeRewriteText(t *testing.T) {
	tests := []struct {
		name string
		code string
		want string // the loop's liveproto.Segment
	}{
		{
			name: "range over int",
			code: "for i := range 10 {\n\tuse(i)\n}",
			want: "{{rangeN_1 := 10; for rangeI_1 := rangeN_1 - rangeN_1; rangeI_1 < rangeN_1; rangeI_1++ { i := rangeI_1;\n\tuse(i)\n}}\n}",
		},
		{
			name: "range over live int, no variable",
			code: "for range n {\n}",
			want: "{{rangeN_1 := n; for rangeI_1 := rangeN_1 - rangeN_1; rangeI_1 < rangeN_1; rangeI_1++ {\n}}\n}",
		},
		{
			name: "line breaks in the header stay",
			code: "for i := range\n\t10 {\n\tuse(i)\n}",
			want: "{{rangeN_1 := 10; for rangeI_1 := rangeN_1 - rangeN_1; rangeI_1 < rangeN_1; rangeI_1++ { i := rangeI_1;\n\n\tuse(i)\n}}\n}",
		},
		{
			name: "range over func literal",
			code: "for x := range func(yield func(int) bool) {} {\n\tif x > 1 {\n\t\tbreak\n\t}\n\tcontinue\n}",
			want: "{func(yield func(int) bool) {}(func(x int) bool {\n\tif x > 1 {\n\t\treturn false\n\t}\n\treturn true\n;return true})\n}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := prepare(tt.code, 1, testKnowledge(map[string]string{"n": "int", "use": "func"}))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.Segments); n == 0 || p.Segments[n-1].Src != tt.want {
				t.Errorf("segments = %+v,\nwant the loop as %q", p.Segments, tt.want)
			}
		})
	}
}

func TestBlockMarks(t *testing.T) {
	tests := []struct {
		name string
		code string
		want string // the last segment
	}{
		{"send", "ch <- 1", "{conclab_live.Line(7, 1); ch <- 1\n}"},
		{"receive in a call", "x = 1\nfmt.Println(<-ch)", "{x = 1\nconclab_live.Line(7, 2); fmt.Println(<-ch)\n}"},
		{"select and its clauses", "select {\ncase v := <-ch:\n\tch <- v\n}", "{conclab_live.Line(7, 1); select {\ncase v := <-ch:\n\tconclab_live.Line(7, 3); ch <- v\n}\n}"},
		{"wait and lock", "wg.Wait()\nmu.Lock()", "{conclab_live.Line(7, 1); wg.Wait()\nconclab_live.Line(7, 2); mu.Lock()\n}"},
		{"a go statement and what its func literal sends", "go func() {\n\tch <- 1\n}()", "{conclab_live.Go(7, 1); go func() {\n\tconclab_live.Line(7, 2); ch <- 1\n}()\n}"},
		{"no blocking, no mark", "x = len(xs)", "{x = len(xs)\n}"},
		{"a shown value is left alone", "<-ch + 1", "<-ch + 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := prepare(tt.code, 7, testKnowledge(map[string]string{"ch": "chan", "x": "int", "xs": "slice", "wg": "struct", "mu": "struct"}))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.Segments); n == 0 || p.Segments[n-1].Src != tt.want {
				t.Errorf("segments = %+v,\nwant the last as %q", p.Segments, tt.want)
			}
		})
	}
}

func TestPrepareMixedLineFallsBack(t *testing.T) {
	p, err := prepare("x := 1; fmt.Println(x)\nfunc f() {}", 1, testKnowledge(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []liveproto.Segment{{Decls: true, Src: "\nfunc f() {}"}, {Src: "x := 1; fmt.Println(x)\n"}}
	if len(p.Segments) != len(want) {
		t.Fatalf("segments = %+v, want %+v", p.Segments, want)
	}
	for i := range want {
		if p.Segments[i] != want[i] {
			t.Errorf("segment %d = %+v, want %+v", i, p.Segments[i], want[i])
		}
	}
}
