package cellpos

import "testing"

func TestName(t *testing.T) {
	tests := []struct {
		file string
		line int
		want string
		cell bool
	}{
		{"/conclab/cell.go", 5, "line 5", true},
		{"/conclab/cell3.go", 4, "cell [3] line 4", true},
		{"./conclab/cell12.go", 1, "cell [12] line 1", true},
		{"/conclab/generated.go", 9, "generated code line 9", true},
		{"/conclab/cellx.go", 2, "cellx.go:2", false},
		{"/usr/lib/go/src/sync/mutex.go", 80, "mutex.go:80", false},
		{"/home/u/conclab/demos/run.go", 7, "run.go:7", false},
		{"main.go", 3, "main.go:3", false},
	}
	for _, tt := range tests {
		got, cell := Name(tt.file, tt.line)
		if got != tt.want || cell != tt.cell {
			t.Errorf("Name(%q, %d) = %q, %v; want %q, %v", tt.file, tt.line, got, cell, tt.want, tt.cell)
		}
	}
}
