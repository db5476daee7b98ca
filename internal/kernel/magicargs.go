package kernel

import (
	"strconv"
	"strings"

	"github.com/conclab/conclab/internal/magic"
)

// Magic arguments are checked here, before any of them takes effect: a value
// the Go runtime, the go command or the OS would refuse later (a cell dying
// after a minute of thread creation, a binary built where the kernel does
// not look for it, an exec failing with "invalid argument") is a UsageError
// at once, saying what is allowed.

// How many arguments magics take.
var (
	noArgs   = magic.Arity{Min: 0, Max: 0}
	oneArg   = magic.Arity{Min: 1, Max: 1}
	someArgs = magic.Arity{Min: 1, Max: -1}
	anyArgs  = magic.Arity{Min: 0, Max: -1}
)

// checkArity says whether n arguments fit a, as a UsageError naming the
// magic (with its prefix) and its usage.
func checkArity(a magic.Arity, name, usage string, n int) error {
	switch {
	case a.Allows(n):
		return nil
	case a.Max == 0:
		return errorf("UsageError", "%s takes no arguments (usage: %s)", name, usage)
	}
	return errorf("UsageError", "usage: %s", usage)
}

// maxGOMAXPROCS is the largest GOMAXPROCS a cell may ask for. Each P can
// need an OS thread; far beyond this a cell exhausts the runtime's thread
// limit (10,000) and dies with a dump of every thread. Go capped
// GOMAXPROCS at 1024 until Go 1.10; it is still plenty to oversubscribe a
// machine's cores and watch what that costs.
const maxGOMAXPROCS = 1024

// parseGOMAXPROCS reads a GOMAXPROCS value, from %gomaxprocs or %env.
func parseGOMAXPROCS(what, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxGOMAXPROCS {
		return 0, errorf("UsageError", "%s: %q is not allowed: GOMAXPROCS is a whole number from 1 to %d", what, s, maxGOMAXPROCS)
	}
	return n, nil
}

// noNUL refuses arguments holding a NUL byte: the OS cannot pass one in an
// argument, an environment variable or a file name.
func noNUL(what string, args ...string) error {
	for _, a := range args {
		if strings.IndexByte(a, 0) >= 0 {
			return errorf("UsageError", "%s: %q holds a NUL character, which the OS refuses in arguments, environment variables and file names", what, a)
		}
	}
	return nil
}

// checkEnvName refuses names the OS cannot hold as an environment variable.
func checkEnvName(name string) error {
	if name == "" || strings.ContainsAny(name, "= \t\n") {
		return errorf("UsageError", "%%env: %q is not a variable name (letters, digits and _; no '=' or spaces)", name)
	}
	return nil
}

// checkEnvValue checks the values the Go runtime reads at start, whose bad
// values would only show as a crash of the cell.
func checkEnvValue(name, value string) error {
	if name == "GOMAXPROCS" {
		_, err := parseGOMAXPROCS("%env GOMAXPROCS", value)
		return err
	}
	return nil
}

// takenGoFlags are `go build` flags the kernel sets itself or that leave it
// nothing to run, with the reason a user is told.
var takenGoFlags = map[string]string{
	"o":       "the kernel chooses where the program is built",
	"C":       "the kernel builds in the cell's module directory",
	"modfile": "the kernel owns the cell module's go.mod",
	"n":       "it prints the build commands without building: there would be nothing to run",
	"json":    "the kernel reads the build's errors as text",
}

// runnableBuildModes are the -buildmode values that make a program to run.
var runnableBuildModes = map[string]bool{"default": true, "exe": true, "pie": true}

// boolGoFlags are the `go build` flags that take no value; any other flag
// written without "=" takes the next argument as its value.
var boolGoFlags = map[string]bool{
	"a": true, "n": true, "race": true, "msan": true, "asan": true, "cover": true, "v": true,
	"work": true, "x": true, "trimpath": true, "linkshared": true, "modcacherw": true, "json": true, "buildvcs": true,
}

// checkGoFlags checks %goflags' arguments: each must be a flag or a flag's
// value (a stray word would be taken for a package to build), and not one
// the kernel needs to choose itself.
func checkGoFlags(flags []string) error {
	if err := noNUL("%goflags", flags...); err != nil {
		return err
	}
	for i := 0; i < len(flags); i++ {
		f := flags[i]
		if !strings.HasPrefix(f, "-") || f == "-" || f == "--" {
			return errorf("UsageError", "%%goflags: %q is not a flag: each argument is a `go build` flag such as -race, -tags=x or -gcflags=-m", f)
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(f, "-"), "-"), "=")
		if why, taken := takenGoFlags[name]; taken {
			return errorf("UsageError", "%%goflags: %s cannot be set: %s", f, why)
		}
		if !hasValue && !boolGoFlags[name] {
			if i+1 == len(flags) {
				return errorf("UsageError", "%%goflags: %s needs a value (-%s=VALUE)", f, name)
			}
			i++
			value = flags[i]
		}
		if name == "buildmode" && !runnableBuildModes[value] {
			return errorf("UsageError", "%%goflags: -buildmode=%s cannot be set: a cell must build a program to run (exe or pie)", value)
		}
	}
	return nil
}
