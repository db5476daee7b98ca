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
	// Go 1.26's gob makes a nil map as large as the element count the stream
	// announces, before it reads an element: a few bytes announcing billions
	// would make the kernel die of an out-of-memory fatal error. Maps gob
	// finds ready are not sized by that count. (Maps nested in interface
	// values, which gonbui registers for widget comms, are still made that
	// way; gob reads them only from the cell's own display pipe.)
	msg = protocol.DisplayData{Data: map[protocol.MIMEType]any{}, Metadata: map[string]any{}}
	err = d.dec.Decode(&msg)
	return msg, err
}
