package workload

import (
	"context"
	"errors"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCountdown(t *testing.T) {
	for _, tt := range []struct{ n, want int }{{0, 0}, {1, 1}, {-5, 0}, {1_000_000, 1_000_000}} {
		if got := Countdown(tt.n); got != tt.want {
			t.Errorf("Countdown(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestFactorial(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{-1, "1"}, {0, "1"}, {1, "1"}, {2, "2"}, {5, "120"}, {20, "2432902008176640000"},
		{25, "15511210043330985984000000"},
	}
	for _, tt := range tests {
		if got := Factorial(tt.n).String(); got != tt.want {
			t.Errorf("Factorial(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

func TestFactorialOfLargeNumbers(t *testing.T) {
	for _, n := range []int{1000, 50_000} {
		f := Factorial(n)
		// The number of digits of n! is floor(log10(n!)) + 1, and
		// log(n!) = lgamma(n+1).
		lg, _ := math.Lgamma(float64(n) + 1)
		if got, want := len(f.String()), int(lg/math.Ln10)+1; got != want {
			t.Errorf("%d! has %d digits, want %d", n, got, want)
		}
		// n! / (n-1)! = n
		q := new(big.Int).Quo(f, Factorial(n-1))
		if q.Int64() != int64(n) {
			t.Errorf("%d!/%d! = %v", n, n-1, q)
		}
	}
}

func TestCountPrimes(t *testing.T) {
	// Known values of the prime-counting function.
	for _, tt := range []struct{ n, want int }{{0, 0}, {2, 0}, {3, 1}, {10, 4}, {100, 25}, {1000, 168}, {100_000, 9592}} {
		if got := CountPrimes(tt.n); got != tt.want {
			t.Errorf("CountPrimes(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
	if a, b := CountPrimesIn(0, 5000)+CountPrimesIn(5000, 10_000), CountPrimes(10_000); a != b {
		t.Errorf("split count %d, whole %d", a, b)
	}
}

func TestWorkIsDeterministic(t *testing.T) {
	// Known values: the result depends only on rounds, on every machine
	// and in every version, so runs of a notebook compare.
	for _, tt := range []struct {
		rounds int
		want   uint64
	}{{0, 0x9e3779b97f4a7c15}, {1, 0xd83b3e29a21487a}, {1000, 0xfb35dfba988d72bf}} {
		if got := Work(tt.rounds); got != tt.want {
			t.Errorf("Work(%d) = %#x, want %#x", tt.rounds, got, tt.want)
		}
	}
	seen := map[uint64]int{}
	for n := range 100 {
		x := Work(n)
		if m, dup := seen[x]; dup {
			t.Errorf("Work(%d) = Work(%d)", n, m)
		}
		seen[x] = n
	}
}

func TestSpinLastsAtLeastItsDuration(t *testing.T) {
	// Only the lower bound is certain: Spin returns after its deadline.
	const d = 5 * time.Millisecond
	start := time.Now()
	x := Spin(d)
	if got := time.Since(start); got < d {
		t.Errorf("Spin(%v) returned after %v", d, got)
	}
	if x == Work(0) {
		t.Errorf("Spin(%v) = %#x, the value of no work", d, x)
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep with canceled context: %v", err)
	}
}

func TestRounds(t *testing.T) {
	if Rounds(0) != 0 || Rounds(-time.Second) != 0 {
		t.Errorf("Rounds of nothing: %d, %d", Rounds(0), Rounds(-time.Second))
	}
	one, two := Rounds(time.Millisecond), Rounds(2*time.Millisecond)
	if one <= 0 || two < 2*one-1 || two > 2*one+1 {
		t.Errorf("Rounds(1ms) = %d, Rounds(2ms) = %d: not in proportion", one, two)
	}
	if Rounds(time.Millisecond) != one {
		t.Error("the speed changed within one process")
	}
}

func TestSpeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conclab", "speed")
	if _, err := readSpeed(path); err == nil {
		t.Fatal("read a speed from no file")
	}
	if err := writeSpeed(path, 1.25); err != nil {
		t.Fatal(err)
	}
	if v, err := readSpeed(path); err != nil || v != 1.25 {
		t.Fatalf("read back %v, %v", v, err)
	}
	for _, bad := range []string{"", "fast", "-1", "0", "NaN", "1e9"} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if v, err := readSpeed(path); err == nil {
			t.Errorf("read %v from %q", v, bad)
		}
	}
	if !strings.HasSuffix(filepath.Dir(speedFile()), "conclab") && speedFile() != "" {
		t.Errorf("speed file %q outside the conclab cache", speedFile())
	}
}

// TestWorkIsNotInlined guards the directive that keeps Work's rounds: a
// caller that drops the result must still pay for all of them. The
// compiler's report of what it inlines is the check.
func TestWorkIsNotInlined(t *testing.T) {
	out, err := exec.Command("go", "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Skipf("cannot ask the compiler: %v\n%s", err, out)
	}
	for _, fn := range []string{"Work", "Countdown"} {
		if strings.Contains(string(out), "can inline "+fn+"\n") {
			t.Errorf("%s can be inlined: a caller that drops its result would do less work", fn)
		}
	}
}
