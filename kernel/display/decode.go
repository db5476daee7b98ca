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
	return &decoder{dec: gob.NewDecoder(&frameReader{r: r, limit: limit})}
}

// decode reads the next message. The stream comes from user code, so a panic
// inside encoding/gob on hostile bytes is turned into an error as well.
func (d *decoder) decode() (msg protocol.DisplayData, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed display message: gob panicked: %v", p)
		}
	}()
	err = d.dec.Decode(&msg)
	return msg, err
}
