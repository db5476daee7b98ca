package complete

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzComplete feeds arbitrary remembered files, cells and cursors to the
// tolerant parsing, composition and type checking (without the go command).
// Nothing may panic, and every answer must be consistent with the cell.
func FuzzComplete(f *testing.F) {
	f.Add(rememberedSrc, "p := Point{}\np.N", 15)
	f.Add("", "for i := range 3 {\n\tgo func() {\n\t\tfmt.Pr", 37)
	f.Add("package main\ntype T struct{ A int }", "var t T\nt.", 10)
	f.Add("", "%%\nswitch x := 1; x {\ncase ", 25)
	f.Add("", "x := \"é\" + str", 14)
	c := offline()
	f.Fuzz(func(t *testing.T, remembered, cell string, cursor int) {
		ctx := context.Background()
		res, err := c.Complete(ctx, remembered, cell, cursor)
		if err != nil {
			t.Fatalf("Complete: %v", err)
		}
		if len(res.Types) != len(res.Matches) {
			t.Fatalf("%d types for %d matches", len(res.Types), len(res.Matches))
		}
		if len(res.Matches) > 0 {
			n := utf8.RuneCountInString(cell)
			if res.Start < 0 || res.Start > cursor || cursor > res.End || res.End > n {
				t.Fatalf("span [%d, %d) for cursor %d in %d code points", res.Start, res.End, cursor, n)
			}
			prefix := strings.ToLower(string([]rune(cell)[res.Start:cursor]))
			for _, m := range res.Matches {
				if m == "" || !strings.HasPrefix(strings.ToLower(m), prefix) {
					t.Fatalf("match %q for prefix %q", m, prefix)
				}
			}
		}
		if _, _, err := c.Inspect(ctx, remembered, cell, cursor, 1); err != nil {
			t.Fatalf("Inspect: %v", err)
		}
	})
}
