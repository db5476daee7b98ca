//go:build !linux

package demos

import (
	"os"
	"syscall"
)

// childAttr has no process-group settings off Linux: killing a child there
// ends only the child.
func childAttr() *syscall.SysProcAttr { return nil }

// killGroup kills the child.
func killGroup(p *os.Process) error { return p.Kill() }

// closeOnExec is not needed where children are not supported.
func closeOnExec(int) {}
