// Package ipc connects processes started with demos (Proc.Run, Proc.Pool,
// Proc.Start) to each other and to their parent, the way Python's
// multiprocessing does:
//
//   - Pipe: a two-way channel of values between two processes
//     (multiprocessing.Pipe);
//   - Queue: a queue many processes put values into and take values from
//     (multiprocessing.Queue);
//   - Shared: integers in memory mapped into several processes, read and
//     written with or without synchronization (multiprocessing.Value and
//     Array, with their lock);
//   - Manager: a server process holding values that other processes reach
//     by remote calls (multiprocessing.Manager).
//
// Each of these is a plain Go value that encodes to JSON as its address,
// so it crosses to a child as an ordinary argument and works there as it
// does in the parent:
//
//	var worker = demos.Func("worker", func(q *ipc.Queue) int { ... q.Put(ctx, v) ... })
//
// Values travel as JSON over Unix sockets (two-way pipes with a name in the
// file system); shared memory is a file mapped with mmap. The processes
// live on one Linux machine.
package ipc
