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
	return k.reply(ch, req, "kernel_info_reply", KernelInfoReply{
		Status:                statusOK,
		ProtocolVersion:       protocolVersion,
		Implementation:        "conclab",
		ImplementationVersion: conclab.Version,
		LanguageInfo: LanguageInfo{
			Name:              "go",
			Version:           goVersion,
			Mimetype:          "text/x-go",
			FileExtension:     ".go",
			PygmentsLexer:     "go",
			CodemirrorMode:    "go",
			NbconvertExporter: "script",
		},
		Banner: "conclab " + conclab.Version + " — Go " + goVersion + " kernel for exploring concurrency.\n" +
			"Cells are Go: declarations are remembered, statements run in main. %help lists the magics.",
		HelpLinks: []HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "conclab magics (%help)", URL: "https://github.com/conclab/conclab#magics"},
		},
		Debugger: k.dlv != "",
		// JupyterLab enables its debugger from the kernelspec's metadata;
		// other clients read these.
		SupportedFeatures: k.features(),
	})
}

// features are kernel_info_reply's supported_features.
func (k *Kernel) features() []string {
	if k.dlv == "" {
		return []string{}
	}
	return []string{"debugger"}
}
