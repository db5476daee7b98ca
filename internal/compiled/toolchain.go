package compiled

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
	"github.com/conclab/conclab/internal/workspace"
)

// The toolchain builds a cell by calling the compiler and the linker
// directly, as `go build` would, without the go command's own work on every
// build: loading the module graph, hashing every dependency to decide that
// nothing changed, and writing the results into the build cache. It asks the
// go command once per new import (`go list -export -deps`), which builds
// what is missing into the build cache and says where each compiled package
// is; later cells reuse that answer. The binary is linked without the symbol
// table and DWARF (-s -w): panics and tracebacks are unchanged (they use the
// pcln table), and the link takes a fraction of the time.
//
// Programs the direct path does not cover (cgo, //go:embed, extra build
// flags, an import the go command cannot resolve) go through `go build`,
// whose messages users know.
type toolchain struct {
	goCmd string
	dir   string // the cell module

	setupMu   sync.Mutex // held while init runs
	setupDone bool       // init has an answer: setupErr, or the fields below
	setupErr  error
	toolDir   string // compile and link
	goroot    string
	lang      string // -lang, from the cell module's go line
	module    string // the cell module's path
	goenv     map[string]string

	mu   sync.Mutex
	pkgs [2]map[string]pkgFile // by race: import path -> compiled package
	// shared is the directory of a shared package set ("" for none), and
	// logf says why it was not used, or stopped being used.
	shared string
	logf   func(msg string, args ...any)
	// fromShared, by race, is set while pkgs holds the shared set's
	// packages: a package it lacks then means building the closure anew in
	// the personal cache, since the set's packages of modules were built
	// where the personal ones were not (see importcfg).
	fromShared [2]bool
	// indexDir keeps the package indexes ("" for none), indexPath the one
	// of what the toolchain builds now, and modStamp the state of the cell
	// module's go.mod and go.sum that pkgs answer for.
	indexDir, indexPath, modStamp string
}

// A pkgFile is a compiled package in the build cache and what it imports,
// directly or not.
type pkgFile struct {
	file string
	deps []string
	mod  *debug.Module // the module that provides it; nil for the standard library
}

// errIndirect means the direct path does not handle this program; the
// caller builds it with the go command instead.
var errIndirect = errors.New("build with the go command")

func newToolchain(goCmd, dir string) *toolchain {
	return &toolchain{goCmd: goCmd, dir: dir, pkgs: [2]map[string]pkgFile{{}, {}}, logf: func(string, ...any) {}}
}

// direct reports whether flags are ones the direct path builds: none, or
// the race detector.
func directFlags(flags []string) (race, ok bool) {
	for _, f := range flags {
		switch f {
		case "-race":
			race = true
		default:
			return false, false
		}
	}
	return race, true
}

// build compiles and links src (a main package) into out. It returns
// errIndirect when the go command should build it, and a *engine.Error when the
// program does not compile.
func (t *toolchain) build(ctx context.Context, src []byte, race bool, out string, rewrite func(string) string) error {
	cfg, linkcfg, work, err := t.begin(ctx, src, race)
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := t.compile(ctx, work, "main", map[string][]byte{"main.go": src}, cfg, race, rewrite); err != nil {
		return err
	}
	return t.link(ctx, work, out, linkcfg, race, rewrite)
}

// begin readies a direct build of src: the compiler's and the linker's
// import configurations for its imports and extra (with the runtime), and
// a work directory the caller removes. It returns errIndirect when the go
// command should build src.
func (t *toolchain) begin(ctx context.Context, src []byte, race bool, extra ...string) (cfg, linkcfg []byte, work string, err error) {
	if err := t.init(ctx); err != nil {
		return nil, nil, "", errIndirect
	}
	imports, ok := scanImports(src)
	if !ok.direct() {
		return nil, nil, "", errIndirect
	}
	roots := append(append(imports, "runtime"), extra...)
	if race {
		roots = append(roots, "runtime/race")
	}
	if cfg, linkcfg, err = t.importcfg(ctx, roots, race); err != nil {
		return nil, nil, "", err
	}
	if work, err = os.MkdirTemp(t.dir, "build-"); err != nil {
		return nil, nil, "", fmt.Errorf("build cell: %w", err)
	}
	return cfg, linkcfg, work, nil
}

// buildTest compiles and links src as a test binary: src (a main package
// of one _test.go file, whose main function the binary never calls) with a
// second file of the same package, testMainFile, that hands its tests to
// testing.MainStart from an init function. go test -c compiles the package
// and a test main package apart, and links the go command's test support
// (fuzzing, profiling); one compile and a smaller link make an edited
// %test cell cost little more than an edited cell. It returns errIndirect
// when the go command should build it.
func (t *toolchain) buildTest(ctx context.Context, src []byte, race bool, out string, rewrite func(string) string) error {
	set, err := findTests(src)
	if err != nil {
		return err
	}
	cfg, linkcfg, work, err := t.begin(ctx, src, race, testMainImports...)
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	files := map[string][]byte{"main_test.go": src, testMainFile: set.mainSource(t.module+"/"+testDir, t.module)}
	if err := t.compile(ctx, work, "main", files, cfg, race, rewrite); err != nil {
		var ee *engine.Error
		if errors.As(err, &ee) && strings.Contains(strings.Join(append(ee.Traceback, ee.Value), "\n"), testMainFile) {
			// The cell's names collide with the generated file's.
			return errIndirect
		}
		return err
	}
	return t.link(ctx, work, out, linkcfg, race, rewrite, "-X", "testing.testBinary=1")
}

// compile compiles the files of the package with import path pkg (name
// -> source) into work/main.a, with the import configuration cfg.
func (t *toolchain) compile(ctx context.Context, work, pkg string, files map[string][]byte, cfg []byte, race bool, rewrite func(string) string) error {
	if err := os.WriteFile(filepath.Join(work, "importcfg"), cfg, 0o600); err != nil {
		return fmt.Errorf("build cell: %w", err)
	}
	args := []string{"-o", "main.a", "-p", pkg, "-lang=" + t.lang, "-complete",
		"-c=" + strconv.Itoa(min(runtime.NumCPU(), 4)), "-nolocalimports", "-importcfg", "importcfg", "-pack"}
	if race {
		args = append(args, "-race")
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(work, name), files[name], 0o600); err != nil {
			return fmt.Errorf("build cell: %w", err)
		}
		args = append(args, name)
	}
	if report, err := t.tool(ctx, work, "compile", args...); err != nil {
		return toolError(ctx, err, rewrite(report))
	}
	return nil
}

// link links work/main.a into out with the linker's import configuration
// cfg, without the symbol table and DWARF (see toolchain).
func (t *toolchain) link(ctx context.Context, work, out string, cfg []byte, race bool, rewrite func(string) string, extra ...string) error {
	if err := os.WriteFile(filepath.Join(work, "importcfg.link"), cfg, 0o600); err != nil {
		return fmt.Errorf("build cell: %w", err)
	}
	args := []string{"-o", out, "-importcfg", "importcfg.link", "-buildmode=exe", "-s", "-w"}
	if race {
		args = append(args, "-race", "-extld="+cc())
	}
	args = append(append(args, extra...), "main.a")
	if report, err := t.tool(ctx, work, "link", args...); err != nil {
		return toolError(ctx, err, rewrite(report))
	}
	return nil
}

// init finds the tools and the language version once. A try that ctx
// stopped (the first cell was interrupted) is not an answer: the next call
// tries again, so that one interrupt does not send every later cell to the
// go command.
func (t *toolchain) init(ctx context.Context) error {
	t.setupMu.Lock()
	defer t.setupMu.Unlock()
	if t.setupDone {
		return t.setupErr
	}
	t.setupErr = t.setup(ctx)
	t.setupDone = t.setupErr == nil || ctx.Err() == nil
	return t.setupErr
}

// setup does init's work.
func (t *toolchain) setup(ctx context.Context) error {
	names := []string{"GOTOOLDIR", "GOROOT", "GOVERSION", "GOARCH", "GOOS", "GOAMD64", "GOARM64", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS", "GOFLAGS", "GOCACHE"}
	out, err := t.goOutput(ctx, nil, append([]string{"env"}, names...)...)
	if err != nil {
		return err
	}
	values := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(values) != len(names) {
		return fmt.Errorf("go env: unexpected output %q", out)
	}
	t.goenv = map[string]string{}
	for i, n := range names {
		t.goenv[n] = values[i]
	}
	t.toolDir, t.goroot = t.goenv["GOTOOLDIR"], t.goenv["GOROOT"]
	mod, err := os.ReadFile(filepath.Join(t.dir, "go.mod"))
	if err != nil {
		return fmt.Errorf("cell module: %w", err)
	}
	for _, l := range strings.Split(string(mod), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "go "); ok {
			t.lang = "go" + strings.Join(strings.SplitN(strings.TrimSpace(v), ".", 3)[:2], ".")
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "module "); ok {
			t.module = strings.TrimSpace(v)
		}
	}
	if t.lang == "" {
		return errors.New("cell module has no go line")
	}
	if t.shared != "" {
		if why := t.loadShared(t.shared); why != "" {
			t.logf("shared packages not used", "dir", t.shared, "why", why)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.modStamp, t.indexPath = t.moduleStamp(), t.indexFile()
	t.loadIndex()
	return nil
}

// requirementsChanged forgets every package when the cell module's go.mod
// or go.sum changed since they were listed (a `go get` in a shell line
// upgraded a module): they are asked for again, under the new requirements,
// and the shared set, made for the old ones, is no longer used. t.mu is
// held.
func (t *toolchain) requirementsChanged() {
	stamp := t.moduleStamp()
	if stamp == t.modStamp {
		return
	}
	t.logf("the cell module's requirements changed: packages are listed again", "module", t.dir)
	t.modStamp, t.indexPath = stamp, t.indexFile()
	t.pkgs, t.fromShared = [2]map[string]pkgFile{{}, {}}, [2]bool{}
	t.loadIndex()
}

// importNeeds says what in a program's imports asks for the go command.
type importNeeds struct {
	cgo, embed, broken bool
}

func (n importNeeds) direct() bool { return !n.cgo && !n.embed && !n.broken }

// scanImports returns the import paths of src and whether it needs the go
// command: cgo, files embedded with //go:embed, or imports it cannot read
// (the go command then reports them).
func scanImports(src []byte) ([]string, importNeeds) {
	var n importNeeds
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ImportsOnly)
	if err != nil {
		n.broken = true
		return nil, n
	}
	var paths []string
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		switch {
		case err != nil:
			n.broken = true
		case p == "C":
			n.cgo = true
		case p == "embed":
			n.embed = true
		}
		paths = append(paths, p)
	}
	return paths, n
}

// importcfg returns the compiler's and linker's import configuration for a
// program importing roots: every package they need, directly or not. It
// asks the go command about packages it has not seen.
func (t *toolchain) importcfg(ctx context.Context, roots []string, race bool) (cfg, linkcfg []byte, err error) {
	mode := 0
	if race {
		mode = 1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requirementsChanged()
	need, missing := t.closure(roots, mode)
	if len(missing) > 0 && t.fromShared[mode] {
		// The personal cache's build of a package of a module depends on
		// where the module is, and the set's were built elsewhere: linking
		// the two could fail, so the whole program is built anew here.
		t.logf("a cell imports packages the shared set lacks: this kernel builds them and their dependencies in its own cache", "packages", missing)
		t.pkgs[mode], t.fromShared[mode] = map[string]pkgFile{}, false
		missing = roots
	}
	if len(missing) > 0 {
		if err := t.list(ctx, missing, mode); err != nil {
			return nil, nil, err
		}
		t.saveIndex()
		need, missing = t.closure(roots, mode)
		if len(missing) > 0 {
			return nil, nil, errIndirect
		}
	}
	var b bytes.Buffer
	for _, p := range need {
		file := t.pkgs[mode][p].file
		if file == "" {
			continue // unsafe
		}
		// `go clean -cache` may have removed it since: ask again next time.
		if _, err := os.Stat(file); err != nil {
			t.pkgs[mode], t.fromShared[mode] = map[string]pkgFile{}, false
			return nil, nil, errIndirect
		}
		fmt.Fprintf(&b, "packagefile %s=%s\n", p, file)
	}
	cfg = slices.Clone(b.Bytes())
	// Only the linker reads the build information.
	fmt.Fprintf(&b, "modinfo %q\n", t.modinfo(need, mode))
	return cfg, b.Bytes(), nil
}

// The markers around the build information the linker writes into a
// binary, where runtime/debug.ReadBuildInfo finds it (as the go command
// writes them).
const (
	modinfoStart = "0w\xaf\f\x92t\b\x02A\xe1\xc1\a\xe6\xd6\x18\xe6"
	modinfoEnd   = "\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
)

// modinfo is the build information of a cell program made of pkgs, as go
// build records it, so that debug.ReadBuildInfo tells a cell the same: its
// modules, and settings such as -race and CGO_ENABLED.
func (t *toolchain) modinfo(pkgs []string, mode int) string {
	bi := debug.BuildInfo{Path: t.module, Main: debug.Module{Path: t.module, Version: "(devel)"}}
	seen := map[string]bool{}
	for _, p := range pkgs {
		if m := t.pkgs[mode][p].mod; m != nil && !seen[m.Path] {
			seen[m.Path] = true
			bi.Deps = append(bi.Deps, m)
		}
	}
	slices.SortFunc(bi.Deps, func(a, b *debug.Module) int { return strings.Compare(a.Path, b.Path) })
	set := func(k, v string) { bi.Settings = append(bi.Settings, debug.BuildSetting{Key: k, Value: v}) }
	set("-buildmode", "exe")
	set("-compiler", "gc")
	set("-ldflags", "-s -w")
	if mode == 1 {
		set("-race", "true")
	}
	cgo := workspace.BuildEnv(mode == 1)[0]
	set("CGO_ENABLED", strings.TrimPrefix(cgo, "CGO_ENABLED="))
	if mode == 1 {
		for _, k := range []string{"CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS"} {
			set(k, t.goenv[k])
		}
	}
	set("GOARCH", t.goenv["GOARCH"])
	set("GOOS", t.goenv["GOOS"])
	switch t.goenv["GOARCH"] {
	case "amd64":
		set("GOAMD64", t.goenv["GOAMD64"])
	case "arm64":
		set("GOARM64", t.goenv["GOARM64"])
	}
	return modinfoStart + bi.String() + modinfoEnd
}

// closure returns the known packages roots need, sorted, and the roots not
// known yet.
func (t *toolchain) closure(roots []string, mode int) (need, missing []string) {
	seen := map[string]bool{}
	for _, r := range roots {
		pf, ok := t.pkgs[mode][r]
		if !ok {
			missing = append(missing, r)
			continue
		}
		if !seen[r] {
			seen[r] = true
			need = append(need, r)
		}
		for _, d := range pf.deps {
			if !seen[d] {
				if _, ok := t.pkgs[mode][d]; !ok {
					missing = append(missing, r)
					break
				}
				seen[d] = true
				need = append(need, d)
			}
		}
	}
	slices.Sort(need)
	return need, missing
}

// list asks the go command to build pkgs and their dependencies into the
// build cache (as go build would) and records where each one is. A package
// the go command cannot build leaves the cell to go build, whose error
// message the user then sees.
func (t *toolchain) list(ctx context.Context, pkgs []string, mode int) error {
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Export,Deps,Module,Error,DepsErrors"}
	if mode == 1 {
		args = append(args, "-race")
	}
	out, err := t.goOutput(ctx, workspace.BuildEnv(mode == 1), append(args, pkgs...)...)
	if err != nil {
		if ctx.Err() != nil {
			return &engine.Error{Name: "Interrupted", Value: "the build was interrupted"}
		}
		return errIndirect
	}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Export     string
			Deps       []string
			Error      *struct{ Err string }
			DepsErrors []struct{ Err string }
			Module     *struct {
				Path, Version, Sum string
				Main               bool
				Replace            *struct{ Path, Version, Sum string }
			}
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return errIndirect
		}
		// unsafe is the one package with no compiled form.
		if p.Error != nil || len(p.DepsErrors) > 0 || (p.Export == "" && p.ImportPath != "unsafe") {
			continue
		}
		pf := pkgFile{file: p.Export, deps: p.Deps}
		if m := p.Module; m != nil && !m.Main {
			pf.mod = &debug.Module{Path: m.Path, Version: m.Version, Sum: m.Sum}
			if r := m.Replace; r != nil {
				v := r.Version
				if v == "" {
					v = "(devel)" // a directory, as go build records it
				}
				pf.mod.Replace = &debug.Module{Path: r.Path, Version: v, Sum: r.Sum}
			}
		}
		t.pkgs[mode][p.ImportPath] = pf
	}
	return nil
}

// goOutput runs the go command in the cell module.
func (t *toolchain) goOutput(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.Command(t.goCmd, args...)
	cmd.Dir = t.dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = procgroup.Attr()
	if err := procgroup.Run(ctx, cmd, 0); err != nil {
		return "", fmt.Errorf("go %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// tool runs the compiler or the linker in dir and returns what it printed.
func (t *toolchain) tool(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(t.toolDir, name), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOROOT="+t.goroot)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = procgroup.Attr()
	err := procgroup.Run(ctx, cmd, 0)
	return out.String(), err
}

// toolError turns a failed build (go build, compile or link) into the
// cell's error.
func toolError(ctx context.Context, err error, report string) error {
	if ctx.Err() != nil {
		return &engine.Error{Name: "Interrupted", Value: "the build was interrupted"}
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("build cell: %w", err)
	}
	return compileError(report)
}

// cc is the C compiler the race detector's runtime is linked with.
func cc() string {
	if c := os.Getenv("CC"); c != "" {
		return c
	}
	return "gcc"
}

// warm asks the go command once about the packages cells use most, so that
// the first cell builds directly too.
func (t *toolchain) warm(ctx context.Context, pkgs []string) error {
	if err := t.init(ctx); err != nil {
		return err
	}
	_, _, err := t.importcfg(ctx, append(pkgs, "runtime"), false)
	if errors.Is(err, errIndirect) {
		return fmt.Errorf("warm: some of %v cannot be built directly", pkgs)
	}
	return err
}
