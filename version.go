package conclab

// Version is the release of conclab; `conclab version` prints it and
// kernel_info_reply reports it as the implementation version.
const Version = "0.1.0"
