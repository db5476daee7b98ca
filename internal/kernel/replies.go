package kernel

import "encoding/json"

// The contents of the replies the kernel sends on shell and control, named
// and shaped as in the Jupyter messaging spec. A field the spec does not
// list for a status is left out, as ipykernel leaves it.

// Reply statuses.
const (
	statusOK      = "ok"
	statusError   = "error"
	statusAborted = "aborted"
)

// ErrorReply is the content of any reply whose status is "error".
type ErrorReply struct {
	Status    string   `json:"status"` // "error"
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// newErrorReply returns an error reply; a nil traceback is sent as [].
func newErrorReply(ename, evalue string, traceback []string) ErrorReply {
	if traceback == nil {
		traceback = []string{}
	}
	return ErrorReply{Status: statusError, Ename: ename, Evalue: evalue, Traceback: traceback}
}

// StatusReply is the content of a reply that has only a status:
// interrupt_reply, and the execute_reply of an aborted request (which has
// no execution_count, since the cell did not run).
type StatusReply struct {
	Status string `json:"status"`
}

// ExecuteReply is the content of an execute_reply whose status is "ok".
type ExecuteReply struct {
	Status          string         `json:"status"` // "ok"
	ExecutionCount  int            `json:"execution_count"`
	UserExpressions map[string]any `json:"user_expressions"`
	Payload         []Payload      `json:"payload"`
}

// ExecuteErrorReply is the content of an execute_reply whose status is
// "error".
type ExecuteErrorReply struct {
	ErrorReply
	ExecutionCount int `json:"execution_count"`
	// UserExpressions is {} for a cell that ran; nil leaves it out, for a
	// request that could not be read.
	UserExpressions map[string]any `json:"user_expressions,omitzero"`
}

// Payload is one of an execute_reply's payloads. conclab sends only
// "page" payloads (%doc), which ask the frontend to show Data in its pager.
type Payload struct {
	Source string         `json:"source"` // "page"
	Data   map[string]any `json:"data"`   // a MIME bundle
	Start  int            `json:"start"`  // the line to show first
}

// KernelInfoReply is the content of a kernel_info_reply.
type KernelInfoReply struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
	Debugger              bool         `json:"debugger"`
	SupportedFeatures     []string     `json:"supported_features"`
}

// LanguageInfo is kernel_info_reply's language_info.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	Mimetype          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodemirrorMode    string `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter"`
}

// HelpLink is one of kernel_info_reply's help_links.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// CompleteReply is the content of a complete_reply whose status is "ok".
// Cursor positions count unicode code points.
type CompleteReply struct {
	Status      string           `json:"status"`
	Matches     []string         `json:"matches"`
	CursorStart int              `json:"cursor_start"`
	CursorEnd   int              `json:"cursor_end"`
	Metadata    CompleteMetadata `json:"metadata"`
}

// CompleteMetadata is complete_reply's metadata: JupyterLab shows the
// experimental types next to the matches.
type CompleteMetadata struct {
	Types []CompletionType `json:"_jupyter_types_experimental,omitempty"`
}

// CompletionType says what one match is.
type CompletionType struct {
	Text      string `json:"text"`
	Type      string `json:"type"` // "function", "variable", ...
	Signature string `json:"signature"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
}

// InspectReply is the content of an inspect_reply whose status is "ok".
type InspectReply struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"` // a MIME bundle
	Metadata map[string]any `json:"metadata"`
}

// IsCompleteReply is the content of an is_complete_reply.
type IsCompleteReply struct {
	Status string `json:"status"` // "complete", "incomplete", "invalid" or "unknown"
	// Indent is the indentation of the next line, present only when
	// Status is "incomplete".
	Indent *string `json:"indent,omitempty"`
}

// HistoryReply is the content of a history_reply whose status is "ok".
type HistoryReply struct {
	Status  string         `json:"status"`
	History []HistoryEntry `json:"history"`
}

// HistoryEntry is one entry of a history_reply. It is sent as the spec's
// tuple: [session, line, input], or [session, line, [input, output]] when
// the request asked for output.
type HistoryEntry struct {
	Session    int
	Line       int
	Input      string
	Output     *string // the cell's text/plain result; nil: null
	WithOutput bool    // send the [input, output] pair
}

// MarshalJSON encodes e as the spec's tuple.
func (e HistoryEntry) MarshalJSON() ([]byte, error) {
	var in any = e.Input
	if e.WithOutput {
		in = []any{e.Input, e.Output}
	}
	return json.Marshal([]any{e.Session, e.Line, in})
}

// CommInfoReply is the content of a comm_info_reply.
type CommInfoReply struct {
	Status string              `json:"status"`
	Comms  map[string]CommInfo `json:"comms"` // by comm_id
}

// CommInfo is one open comm of a comm_info_reply.
type CommInfo struct {
	TargetName string `json:"target_name"`
}

// ShutdownReply is the content of a shutdown_reply.
type ShutdownReply struct {
	Status  string `json:"status"`
	Restart bool   `json:"restart"`
}
