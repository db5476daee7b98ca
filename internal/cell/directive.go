package cell

import (
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// gonbPrefix is gonb's way to write a magic inside a Go comment, so that
// the cell stays valid Go for editors: "//gonb:%%" is "%%".
const gonbPrefix = "//gonb:"

// directives are the lines of a cell that are not Go: line magics, shell
// lines and the %% / %main marker.
type directives struct {
	magics   []Magic
	shell    []Shell
	mainLine int    // line of the %% or %main marker; 0 when absent
	mainArgs string // text after the marker
	lines    []int  // every directive line, in order
	problems []Problem
}

// cellMagic recognizes a "%%name args" first non-blank line.
func cellMagic(l *lines) *CellMagic {
	for n := 1; n <= l.count(); n++ {
		text := strings.Trim(l.line(n), goSpace)
		if text == "" {
			continue
		}
		name, args, ok := cellMagicLine(text)
		if !ok {
			return nil
		}
		return &CellMagic{Line: n, Name: name, Args: args, Body: l.text[l.start(n+1):]}
	}
	return nil
}

// cellMagicLine splits "%%name args"; "%%" alone and "%% args" are the main
// marker, not a cell magic.
func cellMagicLine(text string) (name, args string, ok bool) {
	rest, found := strings.CutPrefix(text, "%%")
	if !found || rest == "" || !isNameStart(rune(rest[0])) {
		return "", "", false
	}
	name, args = splitWord(rest)
	return name, args, true
}

// findDirectives finds the directive lines of src. A line is a directive
// only where a Go statement could start: outside brackets, strings and
// comments, and not continuing an expression (so "!ok" after "a &&" on the
// previous line stays Go). It runs go/scanner and restarts it after each
// directive line, since the directive's own text is not Go.
func findDirectives(l *lines) *directives {
	d := &directives{}
	src := []byte(l.text) // sliced, not copied, at each restart
	depth := 0
	atStart := true // the next token may start a statement
	for pos := 0; pos <= len(src); {
		fset := token.NewFileSet()
		file := fset.AddFile("", -1, len(src)-pos)
		var s scanner.Scanner
		s.Init(file, src[pos:], func(token.Position, string) {}, scanner.ScanComments)
		next := -1
		for {
			p, tok, _ := s.Scan()
			if tok == token.EOF {
				break
			}
			off := pos + file.Offset(p)
			if atStart && depth == 0 && tok != token.SEMICOLON && l.firstOnLine(off) {
				n, _ := l.pos(off)
				if d.directive(n, strings.Trim(l.line(n), goSpace)) {
					next = l.start(n + 1)
					break
				}
			}
			switch tok {
			case token.LPAREN, token.LBRACK, token.LBRACE:
				depth++
			case token.RPAREN, token.RBRACK, token.RBRACE:
				// Too many closers is the parser's to report; here it must
				// not hide every later directive.
				depth = max(0, depth-1)
			}
			switch tok {
			case token.SEMICOLON:
				atStart = true
			case token.COMMENT:
			default:
				atStart = false
			}
		}
		if next < 0 || next <= pos {
			break
		}
		pos = next
	}
	return d
}

// directive records line n if its text is a directive.
func (d *directives) directive(n int, text string) bool {
	if rest, ok := strings.CutPrefix(text, gonbPrefix); ok {
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, "%") && !strings.HasPrefix(rest, "!") {
			return false
		}
		text = rest
	}
	switch {
	case strings.HasPrefix(text, "!"):
		cmd := strings.TrimSpace(text[1:])
		if cmd == "" {
			d.problem(n, "a shell line needs a command after !")
		} else {
			d.shell = append(d.shell, Shell{Line: n, Command: cmd})
		}
	case strings.HasPrefix(text, "%%"):
		if name, _, ok := cellMagicLine(text); ok {
			d.problem(n, "cell magic %%"+name+" must be the first line of the cell")
			break
		}
		d.marker(n, strings.TrimSpace(text[2:]))
	case text == "%main" || strings.HasPrefix(text, "%main ") || strings.HasPrefix(text, "%main\t"):
		d.marker(n, strings.TrimSpace(text[len("%main"):]))
	case strings.HasPrefix(text, "%"):
		name, args := splitWord(text[1:])
		if name == "" {
			d.problem(n, "a magic needs a name after % (%help lists them)")
		} else {
			d.magics = append(d.magics, Magic{Line: n, Name: name, Args: args})
		}
	default:
		return false
	}
	d.lines = append(d.lines, n)
	return true
}

func (d *directives) marker(n int, args string) {
	if d.mainLine != 0 {
		d.problem(n, "a second %% marker (the first is on line "+strconv.Itoa(d.mainLine)+")")
		return
	}
	d.mainLine, d.mainArgs = n, args
}

func (d *directives) problem(n int, msg string) {
	d.problems = append(d.problems, Problem{Line: n, Column: 1, Msg: msg})
}

// splitWord splits "name rest" at the first blank.
func splitWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func isNameStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
