package compiled

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCgroupLimit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		files []string
		want  int64
	}{
		{"v2 limit", []string{write("v2", "2147483648\n")}, 2 << 30},
		{"v2 no limit", []string{write("v2max", "max\n")}, 0},
		{"v1 no limit", []string{write("v1", "9223372036854771712\n")}, 0},
		{"missing v2, v1 limit", []string{filepath.Join(dir, "absent"), write("v1lim", "1073741824")}, 1 << 30},
		{"none", []string{filepath.Join(dir, "absent")}, 0},
	}
	for _, tt := range tests {
		if got := cgroupLimit(tt.files); got != tt.want {
			t.Errorf("%s: cgroupLimit = %d, want %d", tt.name, got, tt.want)
		}
	}
}
