// Package wire speaks the Jupyter messaging protocol (spec 5.3 and later) on
// the kernel side: it reads connection files, signs and verifies messages,
// turns ZeroMQ frames into [Message] values and back, and binds the kernel's
// five sockets (shell, control, stdin, iopub and heartbeat) with zmq4.
//
// Everything that arrives from the network is untrusted: [Decode] reports a
// frame list that is malformed or badly signed as an error, [Channel.Recv]
// also refuses a replayed signature (as jupyter_client does) and skips all of
// these, and a guard under zmq4 protects the sockets from peers that stall,
// announce huge frames or send a malformed handshake (see guard.go).
package wire
