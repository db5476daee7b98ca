package kernel

import (
	"context"
	"fmt"

	"github.com/conclab/conclab/kernel/compiled"
	"github.com/conclab/conclab/kernel/display"
	"github.com/conclab/conclab/kernel/wire"
)

// output publishes what a cell produces as children of its execute_request.
type output struct {
	k          *Kernel
	req        *wire.Message
	allowStdin bool
	silent     bool  // no execute_result (execute_request.silent)
	store      bool  // the cell is in the history
	count      int   // its execution_count
	payload    []any // execute_reply payloads, e.g. a page from %doc
}

// page asks the frontend to show data in its pager (or under the cell).
func (o *output) page(data map[string]any) {
	o.payload = append(o.payload, map[string]any{"source": "page", "data": data, "start": 0})
}

func (o *output) Stream(name, text string) {
	o.k.publish(o.req, "stream", map[string]string{"name": name, "text": text})
}

func (o *output) Display(d display.Data) {
	content := map[string]any{"data": d.Data, "metadata": orEmpty(d.Metadata), "transient": map[string]any{}}
	if d.DisplayID != "" {
		content["transient"] = map[string]any{"display_id": d.DisplayID}
	}
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
	o.k.publish(o.req, "execute_result", map[string]any{
		"execution_count": o.count, "data": data, "metadata": map[string]any{},
	})
	if text, ok := data["text/plain"].(string); ok && o.store {
		o.k.history.setOutput(o.count, text)
	}
}

// Input sends an input_request on the stdin channel and waits for the
// matching input_reply, or until ctx ends (interrupt).
func (o *output) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", compiled.ErrNoStdin
	}
	m, err := wire.NewReply(o.req, "input_request", map[string]any{"prompt": prompt, "password": password})
	if err != nil {
		return "", err
	}
	// Drop a stale reply from an earlier request, so this one gets its own.
	select {
	case <-o.k.inputs:
	default:
	}
	if err := o.k.sockets.Stdin.Send(m); err != nil {
		return "", fmt.Errorf("input_request: %w", err)
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case rep := <-o.k.inputs:
		var c struct {
			Value string `json:"value"`
		}
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
