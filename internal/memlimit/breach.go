package memlimit

import "fmt"

// A Breach is a tree that went over its limit and was stopped.
type Breach struct {
	Limit   int64  // the limit, bytes
	Used    int64  // what the tree held when it was stopped, as far as known
	Process string // the command of the process that held the most
	Held    int64  // what that process held
}

// Error says what happened in the words of the kernel's MemoryLimit
// error; it names the limit as "the limit of 256 MB".
func (b *Breach) Error() string {
	who := "the cell's processes"
	if b.Process != "" {
		who = b.Process + " and the rest of the cell's processes"
	}
	used := ""
	if b.Used > 0 {
		used = " (" + Size(b.Used) + " at the last look"
		if b.Process != "" && b.Held > 0 {
			used += ", " + Size(b.Held) + " of it in " + b.Process
		}
		used += ")"
	}
	return fmt.Sprintf("%s reached the limit of %s of memory%s and were stopped (CONCLAB_MAX_MEMORY sets the limit)",
		who, Size(b.Limit), used)
}
