package cell

import (
	"sort"
	"strings"
)

// lines maps byte offsets of a text to 1-based lines and columns.
type lines struct {
	text   string
	starts []int // offset of each line's first byte
}

func newLines(text string) *lines {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lines{text: text, starts: starts}
}

// pos returns the line and column of offset off, clamped to the text.
func (l *lines) pos(off int) (line, col int) {
	off = max(0, min(off, len(l.text)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	return i + 1, off - l.starts[i] + 1
}

// line returns the text of 1-based line n without its newline.
func (l *lines) line(n int) string {
	if n < 1 || n > len(l.starts) {
		return ""
	}
	s := l.text[l.starts[n-1]:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// start returns the offset of 1-based line n (len(text) past the end).
func (l *lines) start(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(l.starts) {
		return len(l.text)
	}
	return l.starts[n-1]
}

// count is the number of lines (a final line without newline counts).
func (l *lines) count() int { return len(l.starts) }

// firstOnLine reports whether only blanks precede offset off on its line.
func (l *lines) firstOnLine(off int) bool {
	n, _ := l.pos(off)
	return strings.TrimLeft(l.text[l.start(n):off], " \t") == ""
}

// normalize makes every line end in LF and drops a byte order mark, so that
// line counting, the go scanner and the frontend agree.
func normalize(src string) string {
	src = strings.TrimPrefix(src, "\uFEFF")
	if strings.IndexByte(src, '\r') < 0 {
		return src
	}
	src = strings.ReplaceAll(src, "\r\n", "\n")
	return strings.ReplaceAll(src, "\r", "\n")
}

// blanker hides parts of a text behind spaces, keeping newlines, so that
// offsets, lines and columns of the rest stay put.
type blanker struct {
	b       []byte
	touched map[int]bool // offsets of the starts of lines with hidden bytes
	lines   *lines
}

func newBlanker(l *lines) *blanker {
	return &blanker{b: []byte(l.text), touched: map[int]bool{}, lines: l}
}

// hide blanks the bytes in [from, to).
func (z *blanker) hide(from, to int) {
	from, to = max(0, from), min(to, len(z.b))
	for i := from; i < to; i++ {
		if z.b[i] != '\n' {
			z.b[i] = ' '
		}
	}
	if from < to {
		for n, _ := z.lines.pos(from); z.lines.start(n) < to; n++ {
			z.touched[z.lines.start(n)] = true
		}
	}
}

// String returns the text, with lines that hiding left blank made empty
// (other lines keep their spaces: they may be inside a raw string).
func (z *blanker) String() string {
	var out []byte
	for n := 1; n <= z.lines.count(); n++ {
		from, to := z.lines.start(n), z.lines.start(n+1)
		l := z.b[from:to]
		if z.touched[from] && isBlank(string(l)) {
			if len(l) > 0 && l[len(l)-1] == '\n' {
				out = append(out, '\n')
			}
			continue
		}
		out = append(out, l...)
	}
	return string(out)
}

// goSpace is what Go counts as white space between tokens (CRs are gone
// after normalize). strings.TrimSpace would also drop \v and \f, which Go
// rejects.
const goSpace = " \t\n"

// isBlank reports whether s holds only Go white space.
func isBlank(s string) bool { return strings.Trim(s, goSpace) == "" }
