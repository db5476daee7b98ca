package kernel

// InputRequest is the content of an input_request: a cell reads a line.
type InputRequest struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// inputReply is the content of the client's input_reply.
type inputReply struct {
	Value string `json:"value"`
}
