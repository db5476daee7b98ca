// Command conclab is a Jupyter kernel for Go made for exploring concurrency.
//
//	conclab kernel --connection-file FILE   serve a kernel (Jupyter runs this)
//	conclab install [--user|--sys-prefix|--prefix DIR]   install the kernelspec
//	conclab warm [--race] [--shared [DIR]]   fill the Go build cache for cells, or
//	                                         build the shared package set in DIR
//	conclab version                          print the version
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/conclab/conclab"
	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/compiled"
	"github.com/conclab/conclab/internal/install"
	"github.com/conclab/conclab/internal/kernel"
	"github.com/conclab/conclab/internal/workspace"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "conclab:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  conclab kernel --connection-file FILE [--log-level debug|info|warn]
  conclab install [--user | --sys-prefix | --prefix DIR]
  conclab warm [--race] [--shared DIR]
  conclab version`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "kernel":
		return runKernel(args[1:], stderr)
	case "install":
		return runInstall(args[1:], stdout)
	case "warm":
		return runWarm(args[1:])
	case "version", "--version":
		fmt.Fprintf(stdout, "conclab %s\n", conclab.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func runKernel(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	connFile := fs.String("connection-file", "", "Jupyter connection file")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *connFile == "" && fs.NArg() == 1 {
		*connFile = fs.Arg(0)
	}
	if *connFile == "" {
		return fmt.Errorf("kernel: --connection-file is required")
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("kernel: --log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	return kernel.Run(context.Background(), kernel.Config{ConnectionFile: *connFile, Logger: logger})
}

func runInstall(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	var w install.Where
	fs.BoolVar(&w.User, "user", false, "install for the current user (default)")
	fs.BoolVar(&w.SysPrefix, "sys-prefix", false, "install into the active virtual environment ($VIRTUAL_ENV)")
	fs.StringVar(&w.Prefix, "prefix", "", "install into PREFIX/share/jupyter/kernels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	dir, err := install.Install(w, bin, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "installed kernelspec %q (%s) in %s\n", install.Name, install.DisplayName, dir)
	return nil
}

func runWarm(args []string) error {
	fs := flag.NewFlagSet("warm", flag.ContinueOnError)
	race := fs.Bool("race", false, "also build with the race detector")
	shared := fs.String("shared", "", "build the packages cells use into this directory, for every user's kernel "+
		"(\"default\": "+compiled.SharedEnv+", else lib/conclab/packages beside this binary's bin directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cache, err := kernel.CacheDir()
	if err != nil {
		return err
	}
	ws, err := workspace.Create(cache, "")
	if err != nil {
		return err
	}
	defer ws.Remove()
	if *shared == "" {
		return ws.Warm(context.Background(), "go", *race)
	}
	dir := *shared
	if dir == "default" {
		if dir, err = compiled.SharedDir(); err != nil {
			return err
		}
	}
	roots := []string{"std"}
	for _, p := range cell.DefaultPackages() {
		roots = append(roots, p)
	}
	return compiled.WriteShared(context.Background(), "go", ws.Dir, dir, roots, *race)
}
