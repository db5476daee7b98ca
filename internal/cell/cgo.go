package cell

import (
	"bytes"
	"go/token"
	"slices"
	"strings"
)

// cgo cells. `import "C"` takes its C code from the comment right above it,
// the preamble, which cgo reads as the import's doc comment. A //line
// directive there would either become part of the preamble (cgo then hands
// the directive to the C compiler) or, on the line before, be joined to it
// in one comment group. So a cgo import is written after the import block,
// where the mapping set by the generated() directive is still in force and
// a composed line's position is its real line in main.go: the preamble is
// copied byte for byte and followed at once by `import "C"`, and the
// Program keeps a table (cgoLines) from those real lines back to cell
// lines. cgo tells the C compiler the preamble's real lines too (#line N
// "main.go"), so Rewrite maps the C compiler's errors through the same
// table.

// cgoPath is the import path of cgo's pseudo-package.
const cgoPath = "C"

// cgoDecl describes an `import "C"` and its preamble. It is remembered by
// the C names its preamble defines ("C.twice"), so that running an edited
// cell again replaces its C code while other cells' C functions stay; a
// preamble that defines no name it can see (only #include lines) by its
// text, and an import without a preamble as "C".
func cgoDecl(spec *importSpec) Decl {
	decl := Decl{Kind: token.IMPORT, imp: spec}
	names := cNames(preambleText(spec.preamble))
	switch {
	case spec.preamble == "":
		decl.Keys = []string{cgoPath}
	case len(names) == 0:
		decl.Keys = []string{textKey(cgoPath, spec.preamble)}
	default:
		for _, n := range names {
			decl.Keys = append(decl.Keys, cgoPath+"."+n)
		}
	}
	for _, k := range decl.Keys {
		decl.ids = append(decl.ids, "cgo "+k)
	}
	return decl
}

// isCgo reports whether d is an `import "C"`.
func (d *Decl) isCgo() bool { return d.imp != nil && d.imp.path == cgoPath }

// preambleText is the C code of a preamble as cgo reads it: the comments'
// text without their markers.
func preambleText(preamble string) string {
	var b strings.Builder
	for _, c := range comments(preamble) {
		if strings.HasPrefix(c.text, "//") {
			b.WriteString(c.text[2:] + "\n")
		} else {
			b.WriteString(strings.TrimSuffix(c.text[2:], "*/"))
		}
	}
	return b.String()
}

// A comment of a preamble, at a byte offset of it.
type comment struct {
	off  int
	text string
}

func comments(preamble string) []comment {
	var out []comment
	for _, t := range scanAll(preamble) {
		if t.tok == token.COMMENT {
			out = append(out, comment{t.off, t.lit})
		}
	}
	return out
}

// cLine is where a line of a preamble's C code is in the cell: the cell
// line and what to add to a C compiler's column on it to get the cell's.
type cLine struct {
	line, shift int
}

// preambleLines maps the lines of the C code cgo makes of a preamble that
// starts at line:col of its cell to cell lines, as cgo's commentText joins
// the comments: each // comment is one line, a /* */ comment keeps its
// newlines, and comments are joined with nothing between them.
func preambleLines(preamble string, line, col int) []cLine {
	l := newLines(preamble)
	var out []cLine
	atStart := true // the next C byte starts a C line
	for _, c := range comments(preamble) {
		n, cc := l.pos(c.off)
		if n == 1 {
			cc += col - 1
		}
		if atStart {
			// The C text starts after the two-byte comment marker.
			out = append(out, cLine{line: line + n - 1, shift: cc + 1})
		}
		if strings.HasPrefix(c.text, "//") {
			atStart = true
			continue
		}
		for i := 1; i <= strings.Count(c.text, "\n"); i++ {
			out = append(out, cLine{line: line + n - 1 + i})
		}
		atStart = false
	}
	return out
}

// cNames returns the names C code declares at file scope, as cgo's C.name
// refers to them: functions, variables, typedefs, enum constants,
// "struct_S" for a struct tag and #define macros. It reads C only roughly
// (no preprocessor, no real parser): it is for keys, where a name it misses
// only means that the preamble is keyed by its text instead.
func cNames(src string) []string {
	var names []string
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var decl []ctok // the tokens of the file-scope declaration so far
	depth := 0      // of braces
	toks := cTokens(src)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.text == "#define":
			if i+1 < len(toks) && toks[i+1].ident {
				add(toks[i+1].text)
			}
			continue
		case t.text == "{":
			if depth == 0 && len(decl) > 0 && decl[len(decl)-1].text == ")" {
				// A function body: the declaration is complete.
				add(funcName(decl))
				decl = nil
				depth++
				continue
			}
			depth++
		case t.text == "}":
			depth = max(0, depth-1)
			if depth == 0 && decl == nil {
				continue // the end of a function body
			}
		case t.text == ";" && depth == 0:
			for _, n := range declNames(decl) {
				add(n)
			}
			decl = nil
			continue
		}
		if depth == 0 || decl != nil {
			decl = append(decl, t)
		}
	}
	return names
}

// A ctok is a C token: an identifier, a number, or one punctuation byte.
type ctok struct {
	text  string
	ident bool
}

// cTokens splits C code into tokens, without comments, string and
// character literals, and preprocessor lines other than #define (given as
// one "#define" token followed by the line's tokens up to the macro name).
func cTokens(src string) []ctok {
	var out []ctok
	lineStart := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '#' && lineStart:
			end := i
			for end < len(src) && (src[end] != '\n' || end > 0 && src[end-1] == '\\') {
				end++
			}
			line := strings.Fields(strings.ReplaceAll(src[i+1:end], "\\\n", " "))
			if len(line) >= 2 && line[0] == "define" {
				out = append(out, ctok{text: "#define"})
				name, _, _ := strings.Cut(line[1], "(")
				out = append(out, ctok{text: name, ident: isCIdent(name)})
			}
			i = end
			continue
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += end + 4
			continue
		case c == '"' || c == '\'':
			i++
			for i < len(src) && src[i] != c && src[i] != '\n' {
				if src[i] == '\\' {
					i++
				}
				i++
			}
			i++
			out = append(out, ctok{text: "0"}) // a literal, as a value
		case isCIdentByte(c):
			j := i
			for j < len(src) && isCIdentByte(src[j]) {
				j++
			}
			out = append(out, ctok{text: src[i:j], ident: isCIdent(src[i:j])})
			i = j
		default:
			out = append(out, ctok{text: string(c)})
			i++
		}
		lineStart = false
	}
	return out
}

func isCIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isCIdent reports whether s is a C identifier that can name something (not
// a number, not a keyword).
func isCIdent(s string) bool {
	return s != "" && !('0' <= s[0] && s[0] <= '9') && !isCKeyword(s)
}

// isCKeyword reports whether s is a C keyword (or a GCC one that can
// stand where a name would).
func isCKeyword(s string) bool {
	switch s {
	case "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
		"extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
		"short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
		"volatile", "while", "_Bool", "_Complex", "_Atomic", "_Noreturn", "_Thread_local", "_Alignas", "bool",
		"__attribute__", "__inline", "__inline__", "__restrict", "__extension__":
		return true
	}
	return false
}

// funcName is the name of a function whose definition starts with decl:
// the identifier before the first parenthesis, or inside it for a
// function that returns a function pointer.
func funcName(decl []ctok) string {
	for i, t := range decl {
		if t.text != "(" {
			continue
		}
		if i > 0 && decl[i-1].ident {
			return decl[i-1].text
		}
		for _, u := range decl[i+1:] {
			if u.ident {
				return u.text
			}
		}
		return ""
	}
	return ""
}

// declNames returns the names a file-scope declaration ending in ";"
// declares: each declarator's name, a struct, union or enum tag
// ("struct_S"), and enum constants.
func declNames(decl []ctok) []string {
	var names []string
	// Tags and enum constants.
	for i := 0; i+1 < len(decl); i++ {
		switch decl[i].text {
		case "struct", "union", "enum":
			if decl[i+1].ident && i+2 < len(decl) && decl[i+2].text == "{" {
				names = append(names, decl[i].text+"_"+decl[i+1].text)
			}
			if decl[i].text == "enum" {
				names = append(names, enumConstants(decl[i+1:])...)
			}
		}
	}
	// Declarators: split at the commas outside brackets, skipping the
	// braces of a struct or enum body and initializers.
	depth := 0
	var part []ctok
	flush := func() {
		if n := declaratorName(part); n != "" {
			names = append(names, n)
		}
		part = nil
	}
	for _, t := range decl {
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		if t.text == "," && depth == 0 {
			flush()
			continue
		}
		part = append(part, t)
	}
	flush()
	return names
}

// declaratorName is the name a declaration part declares: the identifier
// before "(", "[", "=" or the end, at the outer level (so not a struct's
// fields, nor a parameter); in "(*f)(int)" the one in the parentheses.
func declaratorName(part []ctok) string {
	depth := 0
	last := ""
	for i, t := range part {
		switch t.text {
		case "{", "[":
			if depth == 0 && last != "" && t.text == "[" {
				return last
			}
			depth++
		case "}", "]":
			depth--
			if depth == 0 && t.text == "}" {
				last = "" // a struct or enum body: the declarator follows it
			}
		case "(":
			if depth == 0 {
				if last != "" && (i == 0 || part[i-1].ident) {
					return last
				}
				return funcName(part[i:])
			}
			depth++
		case ")":
			depth--
		case "=":
			if depth == 0 {
				return last
			}
		default:
			if depth == 0 && t.ident {
				last = t.text
			}
		}
	}
	return last
}

// enumConstants returns the constants of the enum body that toks starts
// (after the enum keyword: an optional tag, then "{").
func enumConstants(toks []ctok) []string {
	i := 0
	if i < len(toks) && toks[i].ident {
		i++
	}
	if i >= len(toks) || toks[i].text != "{" {
		return nil
	}
	var out []string
	expect := true // the next identifier at this level is a constant
	depth := 0
	for _, t := range toks[i+1:] {
		switch {
		case t.text == "}" && depth == 0:
			return out
		case t.text == "(" || t.text == "{" || t.text == "[":
			depth++
		case t.text == ")" || t.text == "}" || t.text == "]":
			depth--
		case t.text == "," && depth == 0:
			expect = true
		case t.ident && expect && depth == 0:
			out = append(out, t.text)
			expect = false
		}
	}
	return out
}

// A cgoLine is where a line of a composed cgo import comes from: a line of
// file (a virtual cell file), and what to add to a column on it, for the C
// compiler's columns in a preamble (whose comment markers cgo removed) or
// Go's on the `import "C"` line.
type cgoLine struct {
	file        string
	line, shift int

	// c is the line as the C compiler reads it, for a preamble's lines:
	// GCC counts columns as they display, a tab to the next multiple of 8.
	c string
}

// byteColumn turns a column the C compiler reports on line c, counted as
// GCC displays it (a tab to the next multiple of 8, one column a rune),
// into a byte column.
func byteColumn(c string, col int) int {
	display := 1
	for i, r := range c {
		if display >= col {
			return i + 1
		}
		if r == '\t' {
			display += 8 - (display-1)%8
		} else {
			display++
		}
	}
	return len(c) + 1 + col - display
}

// cgo writes the cgo imports: each preamble byte for byte, right above its
// `import "C"`. It must follow a line of Go code that is not a comment (the
// package clause or the import block), so that no //line directive comes
// between: the positions there are real lines of generated.go, which is
// main.go.
func (w *writer) cgo() {
	for i, d := range w.all {
		if !d.isCgo() {
			continue
		}
		real := bytes.Count(w.buf.Bytes(), []byte{'\n'}) + 1
		if pre := d.imp.preamble; pre != "" {
			w.buf.WriteString(pre)
			w.buf.WriteByte('\n')
			text := strings.Split(preambleText(pre), "\n")
			for k, cl := range preambleLines(pre, d.imp.preLine, d.imp.preCol) {
				w.mapLine(real+k, cgoLine{file: w.fileOf(i), line: cl.line, shift: cl.shift, c: text[min(k, len(text)-1)]})
			}
			real += strings.Count(pre, "\n") + 1
		}
		w.buf.WriteString(`import "C"` + "\n")
		w.mapLine(real, cgoLine{file: w.fileOf(i), line: d.imp.line, shift: d.imp.col - len(`import "`)})
	}
}

func (w *writer) mapLine(real int, cl cgoLine) {
	if w.plain {
		return
	}
	if w.cgoLines == nil {
		w.cgoLines = map[int]cgoLine{}
	}
	w.cgoLines[real] = cl
}
