package complete

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// listTimeout bounds one run of the go command, so that a go command stuck
// on a lock cannot hold completion forever even when ctx has no deadline.
// Building gonum/plot's export data from a cold cache fits well within it.
const listTimeout = 3 * time.Minute

// findGo returns the go command in env's PATH (or this process's), or ""
// when there is none.
func findGo(env []string) string {
	path, goroot := os.Getenv("PATH"), ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
		if v, ok := strings.CutPrefix(kv, "GOROOT="); ok {
			goroot = v
		}
	}
	dirs := filepath.SplitList(path)
	if goroot != "" {
		dirs = append(dirs, filepath.Join(goroot, "bin"))
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		exe := filepath.Join(d, "go")
		if fi, err := os.Stat(exe); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return exe
		}
	}
	return ""
}

// list runs go list -e -json in the module directory.
func (p *packages) list(ctx context.Context, args ...string) ([]*listedPackage, error) {
	return p.listEnv(ctx, p.env, args...)
}

// listEnv is list with the environment env.
func (p *packages) listEnv(ctx context.Context, env []string, args ...string) ([]*listedPackage, error) {
	if p.goCmd == "" {
		return nil, errors.New("go list: no go command")
	}
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	args = append([]string{"list", "-e", "-json=ImportPath,Name,Dir,Export,GoFiles,Error"}, args...)
	cmd := exec.CommandContext(ctx, p.goCmd, args...)
	cmd.Dir, cmd.Env = p.dir, env
	cmd.WaitDelay = time.Second // compilers it started may hold the pipes
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("go list: %w", ctx.Err())
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		lp := new(listedPackage)
		if err := dec.Decode(lp); err == io.EOF {
			break
		} else if err != nil {
			return pkgs, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, lp)
	}
	if runErr != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return pkgs, fmt.Errorf("go list: %w: %s", runErr, line)
	}
	return pkgs, nil
}
