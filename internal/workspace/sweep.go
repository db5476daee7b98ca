package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ownerFile names, inside a cell module, the kernel that made it: its pid
// and the start time of that process, which tell a live owner from a new
// process that got the same pid.
const ownerFile = ".owner"

// Claim records the calling process as the owner of dir, a directory of
// the kernel's under the temporary directory named conclab-*: Sweep
// removes it once that process has gone without removing it (the live
// engine's worker directories are claimed so).
func Claim(dir string) error {
	text, err := ownerText()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ownerFile), text, 0o600)
}

// ownerText is what an owner file of the calling process holds.
func ownerText() ([]byte, error) {
	start, err := processStart(os.Getpid())
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%d %d\n", os.Getpid(), start), nil
}

// ownedBySelf reports whether b, an owner file's content, names the
// calling process.
func ownedBySelf(b []byte) bool {
	text, err := ownerText()
	return err == nil && bytes.Equal(b, text)
}

// Sweep removes the cell modules and other claimed directories under
// tmpDir ("" means the system's temporary directory) whose kernel has gone
// without removing its own:
// killed with SIGKILL, or by the machine's out-of-memory killer. Modules of
// running kernels, and directories it cannot tell, are left alone. It
// returns how many it removed.
func Sweep(tmpDir string) (int, error) {
	if tmpDir == "" {
		tmpDir = os.TempDir()
	}
	dirs, err := filepath.Glob(filepath.Join(tmpDir, "conclab-*"))
	if err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	removed := 0
	var errs []error
	for _, dir := range dirs {
		if !abandoned(dir) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// abandoned reports whether dir is a cell module of ours, owned by this
// user, whose owner process is gone.
func abandoned(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return false // not a cell module, or one being made right now
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return false
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return false
	}
	now, err := processStart(pid)
	return err != nil || now != start // gone, or the pid is someone else's now
}

// processStart is when process pid started, in clock ticks since boot
// (field 22 of /proc/PID/stat).
func processStart(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses: fields
	// are counted after its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("process %d: malformed stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, fmt.Errorf("process %d: malformed stat", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// SourceMaxAge is how long an unpacked project source that no kernel has
// started with stays in the cache: each release unpacks its own.
const SourceMaxAge = 30 * 24 * time.Hour

// SweepSources removes from cacheDir the unpacked sources (src-<hash>) of
// other releases that no kernel has started with for maxAge, and the
// half-written ones (.src-*) an unpack killed midway left more than an hour
// ago. keep, the source this kernel uses, always stays. It returns how many
// it removed.
func SweepSources(cacheDir, keep string, maxAge time.Duration) (int, error) {
	var old []string
	for pattern, age := range map[string]time.Duration{"src-*": maxAge, ".src-*": time.Hour} {
		dirs, err := filepath.Glob(filepath.Join(cacheDir, pattern))
		if err != nil {
			return 0, fmt.Errorf("sweep sources: %w", err)
		}
		for _, dir := range dirs {
			fi, err := os.Lstat(dir)
			if err != nil || !fi.IsDir() || dir == keep || time.Since(fi.ModTime()) < age {
				continue
			}
			old = append(old, dir)
		}
	}
	removed := 0
	var errs []error
	for _, dir := range old {
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}
