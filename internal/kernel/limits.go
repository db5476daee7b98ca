package kernel

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/conclab/conclab/internal/compiled"
	"github.com/conclab/conclab/internal/memlimit"
)

// newLimiter makes the memory limiter of every process tree a cell starts:
// limit bytes (compiled.DefaultMaxMemory when 0), with the mechanism
// CONCLAB_MEMORY_LIMITER names ("cgroup", "poll"; the best available when
// unset). It logs which mechanism is in force.
func newLimiter(limit int64, log *slog.Logger) (*memlimit.Limiter, error) {
	if limit <= 0 {
		limit = compiled.DefaultMaxMemory()
	}
	mech := strings.TrimSpace(os.Getenv("CONCLAB_MEMORY_LIMITER"))
	l, err := memlimit.New(memlimit.Options{Limit: limit, Mechanism: mech, Logger: log})
	if err != nil && mech != "" {
		// A mistyped or impossible choice must not keep the kernel from starting.
		log.Warn("ignoring CONCLAB_MEMORY_LIMITER", "err", err)
		l, err = memlimit.New(memlimit.Options{Limit: limit, Logger: log})
	}
	if err != nil {
		return nil, fmt.Errorf("memory limit: %w", err)
	}
	return l, nil
}

// sizeFromEnv reads a size such as "5MB", "512KiB", "2G" or "1048576" from
// the environment variable name; 0 when unset.
func sizeFromEnv(name string) (int64, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return 0, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: %w", name, v, err)
	}
	return n, nil
}

func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
		{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
	}
	lower := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(lower, u.suffix) {
			lower, mult = strings.TrimSpace(strings.TrimSuffix(lower, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(lower, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("not a positive size like 5MB or 2GiB")
	}
	return int64(f * float64(mult)), nil
}
