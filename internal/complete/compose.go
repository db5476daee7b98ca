package complete

import (
	"strings"
)

// A composition is the Go file that stands for the notebook at the cursor.
type composition struct {
	src         string
	placeholder int // byte offset of the placeholder in src
}

// compose builds the file: the cell's imports, the remembered imports and
// those to add, the cell's declarations, the remembered declarations, the
// cell's statements before the cursor in a function, and the statement or
// declaration under the cursor cut at q.cut, ended by the placeholder and
// closed. Cell declarations come before remembered ones so that, when a
// cell redefines a name, its definition is the one in scope. ok is false when
// the cursor is in an import declaration.
func compose(q *query, segs []segment, rem *remembered, auto []importSpec) (composition, bool) {
	at, inSeg := cursorSegment(segs, q.cut)
	if inSeg && segs[at].imports {
		return composition{}, false
	}
	cur := -1 // the segment under the cursor, if any
	if inSeg {
		cur = at
	}
	var b strings.Builder
	b.WriteString("package main\n\n")
	cellPaths := map[string]bool{}
	for i, s := range segs {
		if s.imports && s.balanced && i != cur {
			b.WriteString(q.src[s.start:s.end])
			b.WriteString("\n")
		}
	}
	for _, s := range segs {
		if s.imports {
			for _, p := range importedPaths(q.src[s.start:s.end]) {
				cellPaths[p] = true
			}
		}
	}
	for _, spec := range rem.imports {
		if !cellPaths[spec.path] {
			b.WriteString(spec.String())
			b.WriteString("\n")
		}
	}
	for _, spec := range auto {
		b.WriteString(spec.String())
		b.WriteString("\n")
	}
	for i, s := range segs {
		if s.decl && !s.imports && s.balanced && i != cur {
			b.WriteString(q.src[docStart(q.src, s.start):s.end])
			b.WriteString("\n")
		}
	}
	for _, d := range rem.decls {
		b.WriteString(d)
		b.WriteString("\n")
	}
	cursorDecl := inSeg && segs[at].decl
	b.WriteString("\nfunc _() {\n")
	for i := 0; i < at; i++ {
		if s := segs[i]; !s.decl {
			b.WriteString(q.src[s.start:s.end])
			b.WriteString("\n")
		}
	}
	if cursorDecl {
		b.WriteString("}\n\n")
	}
	text := ""
	if inSeg {
		text = q.src[segs[at].start:q.cut]
	}
	b.WriteString(text)
	ph := b.Len()
	b.WriteString(placeholder)
	b.WriteString(closers(text))
	if cursorDecl {
		b.WriteString("\n")
	} else {
		b.WriteString("\n}\n")
	}
	return composition{src: b.String(), placeholder: ph}, true
}

// cursorSegment returns the index of the segment that holds the byte offset
// cut, with inSeg true, or the index of the segment after the gap that holds
// it (len(segs) after the last one), with inSeg false.
func cursorSegment(segs []segment, cut int) (at int, inSeg bool) {
	for i, s := range segs {
		if cut < s.start {
			return i, false
		}
		if cut <= s.semi {
			return i, true
		}
	}
	return len(segs), false
}

// docStart moves start back over the line comments right above it, so that
// a declaration keeps its doc comment.
func docStart(src string, start int) int {
	lineStart := strings.LastIndexByte(src[:start], '\n') + 1
	if strings.TrimSpace(src[lineStart:start]) != "" {
		return start // something else precedes it on its line
	}
	for lineStart > 0 {
		prev := strings.LastIndexByte(src[:lineStart-1], '\n') + 1
		if !strings.HasPrefix(strings.TrimSpace(src[prev:lineStart-1]), "//") {
			break
		}
		start, lineStart = prev, prev
	}
	return start
}
