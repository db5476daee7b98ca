package magic

import (
	"reflect"
	"testing"
)

func TestHelp(t *testing.T) {
	got := testRegistry(t).Help()
	want := []Section{
		{Line, []Row{{"%time", "time the cell"}, {"%timeout DURATION", "stop the cell after DURATION"}, {"%ls, %list", "list declarations"}}},
		{FirstLine, []Row{{"%live [reset]", "run the cell live"}}},
		{Cell, []Row{{"%%script COMMAND", "run the cell with COMMAND"}, {"%%sh, %%bash", "run the cell with sh"}}},
		{Syntax, []Row{{"!command", "a shell command"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Help() =\n%v\nwant\n%v", got, want)
	}
}
