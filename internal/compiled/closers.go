package compiled

// closers are the closes a run owes for what it opened, made once, last
// opened first, on whatever path the run ends (the model is os/exec's
// closeAfterStart and closeAfterWait).
type closers []func()

// add owes f.
func (c *closers) add(f func()) { *c = append(*c, f) }

// close calls what is owed, last added first, and forgets it.
func (c *closers) close() {
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}
