package check

import "testing"

func TestOwnCode(t *testing.T) {
	tests := []struct {
		fn   string
		want bool
	}{
		{"main.transfer(0xc000010000, 0x1)", true},
		{"main.main.func1()", true},
		{"sync.(*Mutex).Lock(...)", false},
		{"internal/sync.(*Mutex).lockSlow(0xc0000b2000)", false},
		{"sync.(*WaitGroup).Wait(0x0?)", false},
		{"runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)", false},
		{"github.com/conclab/conclab/demos.(*T).Phase(...)", true},
		{"github.com/conclab/conclab/check.run.func1()", false},
		{"github.com/traefik/yaegi/interp.runCfg(0xc0001a4000)", false},
		{"created by main.main in goroutine 1", false},
	}
	for _, tt := range tests {
		if got := ownCode(tt.fn); got != tt.want {
			t.Errorf("ownCode(%q) = %v, want %v", tt.fn, got, tt.want)
		}
	}
}
