package wire

import (
	"encoding/binary"
	"fmt"
)

// ZMTP 3 framing, as far as the guard needs it: a 64-byte greeting, then
// frames of a flags byte, a 1- or 8-byte big-endian size, and a body.
const (
	greetingLen  = 64
	signatureLen = 10 // the part of the greeting a peer sends before it waits for ours
	flagMore     = 0x01
	flagLong     = 0x02
	flagCommand  = 0x04
	readyCommand = "READY"
)

// Parser states.
const (
	stateGreeting = iota
	stateFlags
	stateSize
	stateBody
)

// frameLimits bounds what a peer may announce before the bytes arrive:
// zmq4 allocates a frame's whole body as soon as it reads its size.
type frameLimits struct {
	maxMessage uint64 // sum of the frames of one multipart message
	maxCommand uint64 // one command frame (the handshake's READY)
}

// zmtpParser follows the byte stream a peer sends, frame by frame, without
// keeping the bodies. It rejects a frame before its body is read when the
// frame is too large, and knows when the peer's handshake command ends.
type zmtpParser struct {
	lim       frameLimits
	state     int
	remaining uint64 // bytes left of the greeting or the body
	flags     byte
	size      [8]byte
	sizeLen   int
	sizeGot   int
	frameSize uint64
	msgTotal  uint64 // bytes of the earlier frames of this multipart message
	handshook bool   // the peer's first command (READY) has been read

	// A SUB peer subscribes with a one-frame message: 0x01 and the topic.
	// When watchSubs is set (iopub), the parser keeps such topics in subs.
	watchSubs bool
	capturing bool   // the body being read may be a subscription
	capture   []byte // its bytes so far
	subs      [][]byte
}

// maxTopic bounds the subscription topics the parser keeps; Jupyter
// clients subscribe to the empty topic.
const maxTopic = 255

func newZMTPParser(lim frameLimits) *zmtpParser {
	return &zmtpParser{lim: lim, state: stateGreeting, remaining: greetingLen}
}

// feed advances the parser over b, bytes the peer sent.
func (p *zmtpParser) feed(b []byte) error {
	for len(b) > 0 {
		switch p.state {
		case stateGreeting, stateBody:
			k := min(p.remaining, uint64(len(b)))
			if p.capturing {
				p.capture = append(p.capture, b[:k]...)
			}
			p.remaining -= k
			b = b[k:]
			if p.remaining == 0 {
				p.endField()
			}
		case stateFlags:
			p.flags = b[0]
			b = b[1:]
			p.sizeLen, p.sizeGot = 1, 0
			if p.flags&flagLong != 0 {
				p.sizeLen = 8
			}
			p.state = stateSize
		case stateSize:
			k := copy(p.size[p.sizeGot:p.sizeLen], b)
			p.sizeGot += k
			b = b[k:]
			if p.sizeGot < p.sizeLen {
				continue
			}
			if err := p.startBody(); err != nil {
				return err
			}
		}
	}
	return nil
}

// startBody checks the size just read against the limits.
func (p *zmtpParser) startBody() error {
	if p.sizeLen == 1 {
		p.frameSize = uint64(p.size[0])
	} else {
		p.frameSize = binary.BigEndian.Uint64(p.size[:8])
	}
	isCmd := p.flags&flagCommand != 0
	switch {
	case !p.handshook && !isCmd:
		return guardError("ZMTP: a message frame arrived before the handshake command")
	case isCmd && p.frameSize > p.lim.maxCommand:
		return guardError(fmt.Sprintf("ZMTP: command frame of %d bytes exceeds the %d-byte limit", p.frameSize, p.lim.maxCommand))
	case !isCmd && p.frameSize > p.lim.maxMessage-p.msgTotal:
		return guardError(fmt.Sprintf("ZMTP: message of more than %d bytes exceeds the %d-byte limit", p.msgTotal+p.frameSize, p.lim.maxMessage))
	}
	p.state = stateBody
	p.remaining = p.frameSize
	p.capturing = p.watchSubs && !isCmd && p.msgTotal == 0 && p.flags&flagMore == 0 && p.frameSize <= maxTopic+1
	p.capture = p.capture[:0]
	if p.remaining == 0 {
		p.endField()
	}
	return nil
}

// endField moves on once the greeting or a frame body is complete.
func (p *zmtpParser) endField() {
	if p.state == stateBody {
		switch {
		case p.flags&flagCommand != 0:
			p.handshook = true
		case p.flags&flagMore != 0:
			p.msgTotal += p.frameSize
		default:
			p.msgTotal = 0
			if p.capturing && len(p.capture) > 0 && p.capture[0] == 1 {
				p.subs = append(p.subs, append([]byte(nil), p.capture[1:]...))
			}
		}
		p.capturing = false
	}
	p.state = stateFlags
}

// checkCommand checks the body of a handshake command so that zmq4, which
// indexes it without bounds checks, never sees a malformed one: a name
// length and name, and for READY a list of properties, each a 1-byte name
// length, a name, a 4-byte big-endian value length and a value.
func checkCommand(body []byte) error {
	if len(body) == 0 {
		return guardError("ZMTP: empty command")
	}
	n := int(body[0])
	if n > len(body)-1 {
		return guardError("ZMTP: command name runs past the frame")
	}
	if string(body[1:1+n]) != readyCommand {
		return nil // zmq4 rejects any other command cleanly
	}
	props := body[1+n:]
	for i := 0; i < len(props); {
		klen := int(props[i])
		i++
		if klen > len(props)-i || len(props)-i-klen < 4 {
			return guardError("ZMTP: READY property name runs past the frame")
		}
		i += klen
		vlen := binary.BigEndian.Uint32(props[i:])
		i += 4
		if uint64(vlen) > uint64(len(props)-i) {
			return guardError("ZMTP: READY property value runs past the frame")
		}
		i += int(vlen)
	}
	return nil
}

// guardError is a protocol violation by a peer. It is a net.Error that is
// not a timeout, so that zmq4 marks the connection closed and forgets it.
type guardError string

func (e guardError) Error() string   { return string(e) }
func (e guardError) Timeout() bool   { return false }
func (e guardError) Temporary() bool { return false }
