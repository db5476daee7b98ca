package kernel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ensureWorkDir gives the kernel its working directory back when a cell
// has removed it (`!rm -rf` of the notebook's folder): every later cell,
// shell line and live worker starts there, and a process cannot start in a
// directory that no longer exists. The directory is made again at the same
// path (empty), or entered anew when a cell made one there itself; the user
// is told either way. It returns an error only when neither can be done.
func (k *Kernel) ensureWorkDir(out *output) error {
	if k.workDir == "" {
		return nil
	}
	if _, err := os.Getwd(); err == nil {
		return nil
	}
	did := "had been removed; entered the new one at that path"
	if _, err := os.Stat(k.workDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(k.workDir, 0o755); err != nil {
			return errorf("WorkDirError", "the kernel's working directory %s has been removed and cannot be made again (%v); restart the kernel from another folder", k.workDir, err)
		}
		did = "had been removed; made it again (empty)"
	}
	if err := os.Chdir(k.workDir); err != nil {
		return errorf("WorkDirError", "the kernel's working directory %s has been removed and cannot be entered again (%v); restart the kernel", k.workDir, err)
	}
	k.log.Warn("working directory restored", "dir", k.workDir)
	note := fmt.Sprintf("conclab: the kernel's working directory %s %s.", k.workDir, did)
	if k.live.Running() {
		note += " The %live session keeps the removed one until `%live reset`."
	}
	out.Stream("stderr", note+"\n")
	return nil
}
