package kernel

// The contents of the messages the kernel publishes on iopub, named and
// shaped as in the Jupyter messaging spec. MIME bundles (data) and their
// metadata stay maps: their keys are MIME types.

// KernelStatus is the content of a status message.
type KernelStatus struct {
	ExecutionState string `json:"execution_state"` // "starting", "busy" or "idle"
}

// Stream is the content of a stream message: text a cell wrote.
type Stream struct {
	Name string `json:"name"` // "stdout" or "stderr"
	Text string `json:"text"`
}

// ExecuteInput is the content of an execute_input message: the code about
// to run, for every client to see.
type ExecuteInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// ExecuteResult is the content of an execute_result message: the value of
// a cell's last expression.
type ExecuteResult struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// DisplayData is the content of a display_data or update_display_data
// message.
type DisplayData struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient Transient      `json:"transient"`
}

// Transient is the part of a display that is not saved in the notebook.
type Transient struct {
	DisplayID string `json:"display_id,omitempty"`
}

// ExecutionError is the content of an error message: a cell failed.
type ExecutionError struct {
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// CommClose is the content of a comm_close message.
type CommClose struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// IOPubWelcome is the content of an iopub_welcome message (JEP 65).
type IOPubWelcome struct {
	Subscription string `json:"subscription"`
}
