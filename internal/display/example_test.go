package display_test

import (
	"context"
	"encoding/gob"
	"fmt"
	"os"
	"strings"

	"github.com/conclab/conclab/internal/display"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// printer shows what a kernel would publish.
type printer struct{}

func (printer) Display(d display.Data) {
	kind := "display_data"
	if d.Update {
		kind = "update_display_data"
	}
	for mime, v := range d.Data {
		fmt.Printf("%s %s %v (display_id %q)\n", kind, mime, v, d.DisplayID)
	}
}

func (printer) Input(prompt string, password bool) {
	fmt.Printf("input_request %q password=%v\n", prompt, password)
}

func Example() {
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	ch, err := display.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	served := ch.Start(context.Background(), printer{})

	// A cell program would get ch.Env() and call gonbui; here the example
	// writes what gonbui.DisplayHTML, gonbui.UpdateHTML and
	// gonbui.DisplayPNG would send.
	var pipe string
	for _, kv := range ch.Env() {
		if v, ok := strings.CutPrefix(kv, protocol.GONB_PIPE_ENV+"="); ok {
			pipe = v
		}
	}
	w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	enc := gob.NewEncoder(w)
	for _, m := range []*protocol.DisplayData{
		{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "<b>hello</b>"}},
		{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "10%"}, DisplayID: "bar"},
		{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "100%"}, DisplayID: "bar"},
		{Data: map[protocol.MIMEType]any{protocol.MIMEImagePNG: []byte("\x89PNG")}},
		{Data: map[protocol.MIMEType]any{protocol.MIMEJupyterInput: &protocol.InputRequest{Prompt: "name?"}}},
	} {
		enc.Encode(m)
	}
	w.Close() // the program ends

	ch.Close() // delivers everything the program wrote
	fmt.Println("Serve:", <-served)
	// Output:
	// display_data text/html <b>hello</b> (display_id "")
	// display_data text/html 10% (display_id "bar")
	// update_display_data text/html 100% (display_id "bar")
	// display_data image/png iVBORw== (display_id "")
	// input_request "name?" password=false
	// Serve: <nil>
}

func ExampleDisplayIDs() {
	var ids display.DisplayIDs
	fmt.Println(ids.Mark("progress"), ids.Mark("progress"), ids.Mark("other"))
	ids.Reset()
	fmt.Println(ids.Mark("progress"))
	// Output:
	// false true false
	// false
}
