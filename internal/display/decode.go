package display

import (
	"encoding/gob"
	"fmt"
	"io"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// decoder reads protocol.DisplayData values from a program's gob stream.
type decoder struct {
	dec *gob.Decoder
}

func newDecoder(r io.Reader, limit uint64) *decoder {
	return &decoder{dec: gob.NewDecoder(newGobGuard(r, limit))}
}

// decode reads the next message. The stream comes from user code, so a panic
// inside encoding/gob on hostile bytes is turned into an error as well.
func (d *decoder) decode() (msg protocol.DisplayData, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed display message: gob panicked: %v", p)
		}
	}()
	// gob makes a nil map as large as the count the stream announces; the
	// guard has checked the counts of this value, and maps gob finds made
	// are not sized by them at all.
	msg = protocol.DisplayData{Data: map[protocol.MIMEType]any{}, Metadata: map[string]any{}}
	err = d.dec.Decode(&msg)
	return msg, err
}
