// Package display is the kernel's end of the gonbui protocol for one run of a
// cell program.
//
// A program that imports github.com/janpfeifer/gonb/gonbui finds two named
// pipes in its environment: it writes gob-encoded protocol.DisplayData values
// to GONB_PIPE and reads gob-encoded protocol.CommValue values from
// GONB_PIPE_BACK. A Channel makes both FIFOs, reads what the program sends,
// turns it into Data ready to become display_data or update_display_data
// content, asks for input when the program calls gonbui.RequestInput, and
// answers gonbui.Sync itself.
//
// Typical use by an engine:
//
//	ch, err := display.Open(runDir)
//	...
//	cmd.Env = append(cmd.Env, ch.Env()...)
//	served := ch.Start(ctx, handler) // Serve in a goroutine, without a race with Close
//	cmd.Run()
//	ch.Close() // delivers what the program wrote before it ended, then stops Serve
//	err = <-served
//
// Cancelling ctx stops Serve at once, dropping what is still in the pipe, so
// call Close before cancelling the context given to Serve. Close waits for a
// Handler call in progress: Handler.Input must return when the run ends.
//
// No open of either FIFO ever blocks on the kernel side: the kernel holds the
// read end of GONB_PIPE (and a writer of its own, so that the stream does not
// end before Close) and opens GONB_PIPE_BACK read-write. The program's opens
// therefore never block either, whether or not Serve is running.
//
// The package relies on Linux semantics for FIFOs opened O_RDWR and on the
// runtime poller for FIFOs; it builds on other Unix systems but is tested on
// Linux only.
package display
