package display

import (
	"errors"
	"fmt"
	"sort"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// request is what one DisplayData from the program asks of the kernel.
type request struct {
	display *Data                   // nil when there is nothing to show
	inputs  []protocol.InputRequest // gonbui.RequestInput
	replies []protocol.CommValue    // to write back on GONB_PIPE_BACK
	notes   []string                // unsupported but harmless content, for debug logs
	err     error                   // content that was dropped, for warning logs
}

// parseMessage sorts a message into displays, input requests and comm traffic.
// ids decides whether a display with a DisplayID is new or an update.
func parseMessage(msg *protocol.DisplayData, ids *DisplayIDs) request {
	var req request
	var errs []error
	mimes := make([]string, 0, len(msg.Data))
	for m := range msg.Data {
		mimes = append(mimes, string(m))
	}
	sort.Strings(mimes) // deterministic logs and errors
	data := make(map[string]any, len(mimes))
	for _, mime := range mimes {
		v := msg.Data[protocol.MIMEType(mime)]
		switch protocol.MIMEType(mime) {
		case protocol.MIMEJupyterInput:
			in, ok := asInputRequest(v)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: want an InputRequest, got %T", mime, v))
				continue
			}
			req.inputs = append(req.inputs, in)
		case protocol.MIMECommValue:
			cv, ok := asCommValue(v)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: want a CommValue, got %T", mime, v))
				continue
			}
			req.comm(cv)
		case protocol.MIMECommSubscribe:
			// Widgets need a frontend comm target this kernel does not run.
			req.notes = append(req.notes, fmt.Sprintf("ignored comm subscription %+v: widgets are not supported", v))
		default:
			val, err := mimeValue(mime, v)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			data[mime] = val
		}
	}
	if len(data) > 0 {
		d := &Data{Data: data, DisplayID: msg.DisplayID}
		for _, k := range sortedKeys(msg.Metadata) {
			val, err := metadataValue(k, msg.Metadata[k])
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if d.Metadata == nil {
				d.Metadata = make(map[string]any, len(msg.Metadata))
			}
			d.Metadata[k] = val
		}
		if d.DisplayID != "" {
			d.Update = ids.Mark(d.DisplayID)
		}
		req.display = d
	} else if len(mimes) == 0 {
		req.notes = append(req.notes, "ignored a display message with no content")
	}
	req.err = errors.Join(errs...)
	return req
}

// comm handles a CommValue: gonbui.Sync gets its acknowledgement; a request
// for a widget value (comms.ReadValue) gets an empty answer, so the program
// goes on with the zero value instead of waiting forever; the rest is ignored.
func (req *request) comm(cv protocol.CommValue) {
	switch {
	case cv.Address == protocol.GonbuiSyncAddress:
		req.replies = append(req.replies, protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value})
	case cv.Request:
		req.replies = append(req.replies, protocol.CommValue{Address: cv.Address})
		req.notes = append(req.notes, fmt.Sprintf("comm request for %q answered with no value: widgets are not supported", cv.Address))
	default:
		req.notes = append(req.notes, fmt.Sprintf("ignored comm value for %q: widgets are not supported", cv.Address))
	}
}

// gob gives back registered structs as values; accept pointers too.
func asInputRequest(v any) (protocol.InputRequest, bool) {
	switch v := v.(type) {
	case protocol.InputRequest:
		return v, true
	case *protocol.InputRequest:
		if v != nil {
			return *v, true
		}
	}
	return protocol.InputRequest{}, false
}

func asCommValue(v any) (protocol.CommValue, bool) {
	switch v := v.(type) {
	case protocol.CommValue:
		return v, true
	case *protocol.CommValue:
		if v != nil {
			return *v, true
		}
	}
	return protocol.CommValue{}, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
