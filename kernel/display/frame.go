package display

import (
	"fmt"
	"io"
)

// maxMessage bounds one gob message from a program. gob itself accepts up to
// gigabytes and buffers a whole message before decoding it; a display bigger
// than this is a bug in the program (Jupyter would not accept it either).
const maxMessage = 64 << 20

// frameReader passes a gob stream through unchanged while following its
// framing (each message is a gob uint byte count, then that many bytes), so a
// message larger than limit fails before any of it is buffered. It parses the
// bytes as they go by, because gob reads through a bufio.Reader whose reads
// do not line up with messages.
type frameReader struct {
	r     io.Reader
	limit uint64
	err   error  // sticky framing error
	body  uint64 // bytes left in the current message
	need  int    // bytes left in a multi-byte count
	count uint64 // the count being read
}

func (f *frameReader) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.r.Read(p)
	if ferr := f.scan(p[:n]); ferr != nil {
		f.err = ferr
		return 0, ferr
	}
	return n, err
}

// scan advances the framing state over b.
func (f *frameReader) scan(b []byte) error {
	for len(b) > 0 {
		switch {
		case f.body > 0:
			k := min(uint64(len(b)), f.body)
			f.body -= k
			b = b[k:]
		case f.need > 0:
			f.count = f.count<<8 | uint64(b[0])
			f.need--
			b = b[1:]
			if f.need == 0 {
				if err := f.startBody(); err != nil {
					return err
				}
			}
		default:
			c := b[0]
			b = b[1:]
			if c <= 0x7f {
				f.count = uint64(c)
				if err := f.startBody(); err != nil {
					return err
				}
				continue
			}
			// A count of n bytes is introduced by the byte -n.
			n := -int(int8(c))
			if n > 8 {
				return fmt.Errorf("malformed gob message count (byte %#x)", c)
			}
			f.need, f.count = n, 0
		}
	}
	return nil
}

func (f *frameReader) startBody() error {
	if f.count > f.limit {
		return fmt.Errorf("display message of %d bytes exceeds the %d byte limit", f.count, f.limit)
	}
	f.body = f.count
	return nil
}
