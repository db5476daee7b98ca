package worker

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// maxResult bounds the text of a shown value.
const maxResult = 1 << 20

// position matches the interpreter's "_.go:3:7: " or "3:7: " at the start of
// a message.
var position = regexp.MustCompile(`^(?:[^\s:]*\.go:)?(\d+):(\d+): `)

// chunkPosition matches a position inside a message ("previous
// declaration at _.go:1:19").
var chunkPosition = regexp.MustCompile(`\b_\.go:(\d+):\d+`)

// cellLines rewrites the interpreter's positions into cell lines. line, when
// not 0, replaces the position's line (for a one-line chunk such as an
// import).
func cellLines(msg string, line int) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		m := position.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n := m[1]
		if line > 0 {
			n = strconv.Itoa(line)
		}
		lines[i] = "line " + n + ": " + l[len(m[0]):]
	}
	for i, l := range lines {
		lines[i] = chunkPosition.ReplaceAllString(l, "line $1")
	}
	return strings.Join(lines, "\n")
}

// compileError is a cell the interpreter refused.
func compileError(err error, line int) *liveproto.CellError {
	msg := cellLines(err.Error(), line)
	tb := strings.Split(msg, "\n")
	if strings.Contains(msg, "undefined selector: ") {
		tb = append(tb, "The live interpreter knows the standard library of Go 1.22; newer functions, and generic ones, need the compiled engine (run the cell without %live).")
	}
	if strings.Contains(msg, "unable to find source related to") {
		tb = append(tb, "Live cells can import the standard library, demos, plots, check and gonbui.")
	}
	return &liveproto.CellError{Name: "CompileError", Value: first(msg), Traceback: tb}
}

// runError is a failure while the cell ran.
func runError(err error) *liveproto.CellError {
	var p interp.Panic
	if errors.As(err, &p) {
		v := panicText(p.Value)
		// The frames ("at line 2, in f") went to stderr as the panic unwound.
		return &liveproto.CellError{Name: "panic", Value: v}
	}
	msg := cellLines(err.Error(), 0)
	return &liveproto.CellError{Name: "RuntimeError", Value: first(msg), Traceback: strings.Split(msg, "\n")}
}

// panicText formats a panic value as Go prints it.
func panicText(v any) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("%T (its Error or String method panicked)", v)
		}
	}()
	if rv, ok := v.(reflect.Value); ok {
		// yaegi hands over some panic values still wrapped.
		if !rv.IsValid() || !rv.CanInterface() {
			return fmt.Sprint(v)
		}
		v = rv.Interface()
	}
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// showValue formats the value of the cell's last expression as the compiled
// engine does: strings quoted, everything else with %v.
func showValue(v reflect.Value) (s string, ok bool) {
	if !v.IsValid() || !v.CanInterface() {
		return "", false
	}
	defer func() {
		if r := recover(); r != nil {
			s, ok = fmt.Sprintf("%s value (its String method panicked: %v)", v.Type(), r), true
		}
	}()
	x := v.Interface()
	if str, isStr := x.(string); isStr {
		s = strconv.Quote(str)
	} else {
		s = fmt.Sprintf("%v", x)
	}
	if len(s) > maxResult {
		s = s[:maxResult] + " … (cut at 1 MiB)"
	}
	return s, true
}

// first is the first line of a message.
func first(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	return line
}
