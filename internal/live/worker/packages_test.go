package worker

import (
	"reflect"
	"testing"

	"github.com/traefik/yaegi/interp"
)

func TestNewerKeepsBaseEntries(t *testing.T) {
	old, adjusted, added := reflect.ValueOf(1), reflect.ValueOf(2), reflect.ValueOf(3)
	base := interp.Exports{"strings/strings": {"Cut": old, "Fields": adjusted}}
	current := interp.Exports{
		"strings/strings": {"Cut": old, "Fields": old, "Lines": added},
		"iter/iter":       {},
		"unique/unique":   {"Make": added},
	}
	got := newer(base, current)
	want := interp.Exports{"strings/strings": {"Lines": added}, "iter/iter": {}, "unique/unique": {"Make": added}}
	if len(got) != len(want) {
		t.Fatalf("newer = %v, want %v", got, want)
	}
	for pkg, syms := range want {
		if len(got[pkg]) != len(syms) {
			t.Errorf("%s: %v, want %v", pkg, got[pkg], syms)
		}
		for name := range syms {
			if _, ok := got[pkg][name]; !ok {
				t.Errorf("%s lacks %s", pkg, name)
			}
		}
	}
}
