// Package stdinwatch notices when a cell program waits for input on its
// stdin, so the kernel can show Jupyter's input box (or, when the frontend
// allows no input, close the pipe so the read ends with EOF).
//
// On Linux a thread blocked in a system call shows it in
// /proc/PID/task/TID/syscall: the call number, then its arguments. A thread
// whose line is read (SYS_READ for this GOARCH) with first argument 0x0 is
// waiting on fd 0. Waiting looks for such a thread; Watch polls and calls
// back once for each new read.
//
// # The child's end of the pipe must be blocking
//
// Only a plain blocking read(0, ...) shows up this way. The O_NONBLOCK flag
// belongs to the open file description, which parent and child share after
// fork. If the child's fd 0 is non-blocking, a Go child puts os.Stdin in its
// runtime poller and waits in epoll_pwait instead, which says nothing about
// stdin. Use Pipe, whose read end is blocking. os.Pipe happens to work with
// os/exec too, because exec.Cmd passes files through File.Fd, which switches
// a file that Go made non-blocking back to blocking mode; but a descriptor
// that was already non-blocking when Go got it (os.NewFile of a pipe2 with
// O_NONBLOCK, or one the kernel inherited) stays non-blocking, and its reads
// are invisible here.
//
// Only the given process is watched, not the processes it starts.
package stdinwatch
