package debugger

import (
	"encoding/json"
	"slices"
	"testing"
)

func frames(fs ...[3]any) []frame {
	var out []frame
	for _, f := range fs {
		var fr frame
		fr.Name, fr.Source.Path, fr.Line = f[0].(string), f[1].(string), f[2].(int)
		out = append(out, fr)
	}
	return out
}

func TestDescribe(t *testing.T) {
	cells := map[string]string{"/tmp/c/1.go": "cell [3]", "/tmp/c/2.go": "cell [1]"}
	tests := []struct {
		name    string
		frames  []frame
		stopped bool
		want    string
	}{
		{"blocked sending", frames([3]any{"runtime.gopark", "proc.go", 460}, [3]any{"runtime.chansend", "chan.go", 283},
			[3]any{"runtime.chansend1", "chan.go", 161}, [3]any{"main.main.func1", "/tmp/c/1.go", 5}), false, "g7 (cell [3] line 5): chan send"},
		{"waiting for a WaitGroup in a function of an earlier cell", frames([3]any{"sync.runtime_SemacquireWaitGroup", "sema.go", 114},
			[3]any{"sync.(*WaitGroup).Wait", "waitgroup.go", 206}, [3]any{"main.join", "/tmp/c/2.go", 4},
			[3]any{"main.main", "/tmp/c/1.go", 9}), false, "g7 (cell [1] line 4): sync.WaitGroup.Wait"},
		{"at a breakpoint", frames([3]any{"main.main", "/tmp/c/1.go", 2}), true, "g7 (cell [3] line 2): stopped here"},
		{"stopped by a deadlock while waiting", frames([3]any{"runtime.gopark", "proc.go", 460}, [3]any{"runtime.chanrecv1", "chan.go", 506},
			[3]any{"main.main", "/tmp/c/1.go", 9}), true, "g7 (cell [3] line 9): chan receive"},
		{"running in a library", frames([3]any{"math/big.nat.mul", "nat.go", 10}, [3]any{"main.main", "/tmp/c/1.go", 3}), false, "g7 (cell [3] line 3): running"},
		{"no cell on its stack", frames([3]any{"os/signal.loop", "signal.go", 1}), false, "g7 (os/signal.loop): running"},
	}
	for _, tt := range tests {
		if got := describe(7, tt.frames, cells, tt.stopped); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTrimStack(t *testing.T) {
	cells := map[string]string{"/tmp/c/1.go": "cell [3]"}
	yes := true
	mk := func(fs ...[3]any) Message {
		b, _ := json.Marshal(map[string]any{"stackFrames": frames(fs...), "totalFrames": len(fs)})
		return Message{Type: "response", Success: &yes, Body: b}
	}
	names := func(m Message) []string {
		var body struct{ StackFrames []frame }
		json.Unmarshal(m.Body, &body)
		var out []string
		for _, f := range body.StackFrames {
			out = append(out, f.Name)
		}
		return out
	}
	got := names(trimStack(mk([3]any{"runtime.gopark", "proc.go", 1}, [3]any{"sync.(*WaitGroup).Wait", "waitgroup.go", 2},
		[3]any{"main.main", "/tmp/c/1.go", 9}, [3]any{"main.conclabRun", "/conclab/generated.go", 40},
		[3]any{"runtime.main", "proc.go", 290}, [3]any{"runtime.goexit", "asm_amd64.s", 1771}), cells))
	if want := []string{"sync.(*WaitGroup).Wait", "main.main"}; !slices.Equal(got, want) {
		t.Errorf("trimmed to %v, want %v", got, want)
	}
	// A stack with no cell frame is left whole.
	whole := []string{"runtime.throw", "runtime.checkdead"}
	if got := names(trimStack(mk([3]any{"runtime.throw", "panic.go", 1}, [3]any{"runtime.checkdead", "proc.go", 2}), cells)); !slices.Equal(got, whole) {
		t.Errorf("no cell frames: %v, want %v", got, whole)
	}
}
