package kernel

import (
	"context"
	"fmt"
	"time"

	"github.com/conclab/conclab/internal/coalesce"
	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/wire"
)

// output publishes what a cell produces as children of its execute_request.
type output struct {
	k          *Kernel
	req        *wire.Message
	allowStdin bool
	silent     bool      // no execute_result (execute_request.silent)
	store      bool      // the cell is in the history
	count      int       // its execution_count
	payload    []Payload // execute_reply payloads, e.g. a page from %doc

	// updates holds back update_display_data that come faster than
	// updateInterval for one display_id; close delivers the last ones.
	updates *coalesce.Latest[display.Data]
	// displays caps the bytes of displays the cell shows (see displayBudget).
	displays *displayBudget
}

// updateInterval is how often at most one display is updated: a progress
// loop may update it thousands of times a second, more than a browser can
// show, and each update is a message on iopub. 20 updates a second still
// look smooth.
const updateInterval = 50 * time.Millisecond

func newOutput(k *Kernel, req *wire.Message) *output {
	o := &output{k: k, req: req, displays: newDisplayBudget(k.maxDisplay)}
	o.updates = coalesce.New(updateInterval, o.publishDisplay)
	return o
}

// close sends the display updates that wait; the cell is over.
func (o *output) close() { o.updates.Close() }

// page asks the frontend to show data in its pager (or under the cell).
func (o *output) page(data map[string]any) {
	o.payload = append(o.payload, Payload{Source: "page", Data: data, Start: 0})
}

func (o *output) Stream(name, text string) {
	o.k.publish(o.req, "stream", Stream{Name: name, Text: text})
}

// Display publishes d: display_data, or update_display_data when d updates
// an earlier display, coalesced per display_id (see updateInterval). A new
// display with an id first gets the update of that id that waits, so that
// the older value never lands on the newer display.
func (o *output) Display(d display.Data) {
	switch {
	case d.Update && d.DisplayID != "":
		o.updates.Put(d.DisplayID, d)
		return
	case d.DisplayID != "":
		o.updates.Flush(d.DisplayID)
	}
	o.publishDisplay(d)
}

func (o *output) publishDisplay(d display.Data) {
	if ok, notice := o.displays.take(d); !ok {
		if notice != "" {
			o.Stream("stderr", notice)
		}
		return
	}
	content := DisplayData{Data: d.Data, Metadata: orEmpty(d.Metadata), Transient: Transient{DisplayID: d.DisplayID}}
	msgType := "display_data"
	if d.Update {
		msgType = "update_display_data"
	}
	o.k.publish(o.req, msgType, content)
}

// Result publishes the value of the cell's last expression and remembers its
// text for history requests that ask for output.
func (o *output) Result(data map[string]any) {
	if o.silent {
		return
	}
	o.updates.FlushAll()
	o.k.publish(o.req, "execute_result", ExecuteResult{
		ExecutionCount: o.count, Data: data, Metadata: map[string]any{},
	})
	if text, ok := data["text/plain"].(string); ok && o.store {
		o.k.history.setOutput(o.count, text)
	}
}

// Input sends an input_request on the stdin channel and waits for the
// matching input_reply, or until ctx ends (interrupt).
func (o *output) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", engine.ErrNoStdin
	}
	m, err := wire.NewReply(o.req, "input_request", InputRequest{Prompt: prompt, Password: password})
	if err != nil {
		return "", err
	}
	// Drop a stale reply from an earlier request, so this one gets its own.
	select {
	case <-o.k.inputs:
	default:
	}
	if err := o.k.stdin.Send(m); err != nil {
		return "", fmt.Errorf("input_request: %w", err)
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case rep := <-o.k.inputs:
		var c inputReply
		if err := rep.DecodeContent(&c); err != nil {
			return "", fmt.Errorf("input_reply: %w", err)
		}
		return c.Value, nil
	}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
