package kernel

import (
	"os"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/magic"
)

// TestREADMEMagics checks that the README's table of magics is the one the
// registry makes, row by row.
func TestREADMEMagics(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Magics\n")
	if !ok {
		t.Fatal(`README.md has no "## Magics" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	got, err := magic.ParseTable(section)
	if err != nil {
		t.Fatalf("README.md, ## Magics: %v", err)
	}
	want := testMagics(t).Rows()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("README lacks row %d: %q", i+1, want[i])
		case i >= len(want):
			t.Errorf("README has row %d, not in the registry: %q", i+1, got[i])
		case got[i] != want[i]:
			t.Errorf("README row %d is\n\t%q\nthe registry's is\n\t%q", i+1, got[i], want[i])
		}
	}
	if t.Failed() {
		t.Logf("the table the registry makes:\n%s", magic.Markdown(want))
	}
}
