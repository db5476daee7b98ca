package compiled

import "testing"

func TestRaceOptions(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"A=1"}, "GORACE=atexit_sleep_ms=50"},
		{[]string{"GORACE=halt_on_error=1"}, "GORACE=atexit_sleep_ms=50 halt_on_error=1"},
		{[]string{"GORACE=atexit_sleep_ms=1000", "GORACE=log_path=/tmp/r"}, "GORACE=atexit_sleep_ms=50 log_path=/tmp/r"},
	}
	for _, tt := range tests {
		env := raceOptions(tt.env)
		if got := env[len(env)-1]; got != tt.want {
			t.Errorf("raceOptions(%q) ends with %q, want %q", tt.env, got, tt.want)
		}
	}
}
