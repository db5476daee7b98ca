package kernel

import (
	"context"
	"runtime"
	"strings"

	"github.com/conclab/conclab"
	"github.com/conclab/conclab/internal/wire"
)

// protocolVersion is the version of the Jupyter messaging spec we speak.
const protocolVersion = "5.3"

func (k *Kernel) handleKernelInfo(_ context.Context, req *wire.Message, ch sender) error {
	defer k.answeredOnce.Do(func() { close(k.answered) })
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	return k.reply(ch, req, "kernel_info_reply", map[string]any{
		"status":                 "ok",
		"protocol_version":       protocolVersion,
		"implementation":         "conclab",
		"implementation_version": conclab.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            goVersion,
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner": "conclab " + conclab.Version + " — Go " + goVersion + " kernel for exploring concurrency.\n" +
			"Cells are Go: declarations are remembered, statements run in main. %help lists the magics.",
		"help_links": []map[string]string{
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
			{"text": "conclab magics (%help)", "url": "https://github.com/conclab/conclab#magics"},
		},
		"debugger": false,
	})
}
