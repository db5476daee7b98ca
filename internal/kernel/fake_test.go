package kernel

import (
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/conclab/conclab"
	"github.com/conclab/conclab/internal/compiled"
	"github.com/conclab/conclab/internal/complete"
	"github.com/conclab/conclab/internal/live"
	"github.com/conclab/conclab/internal/memlimit"
	"github.com/conclab/conclab/internal/wire"
	"github.com/conclab/conclab/internal/workspace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/replies")

// fakeChannel is a sender that records what it is given.
type fakeChannel struct {
	mu   sync.Mutex
	msgs []*wire.Message
}

func (f *fakeChannel) Send(m *wire.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, m)
	return nil
}

// sent returns the messages sent so far and forgets them.
func (f *fakeChannel) sent() []*wire.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs
	f.msgs = nil
	return m
}

// testKernel is a Kernel whose channels are fakes.
type testKernel struct {
	*Kernel
	shell, control, stdin, iopub *fakeChannel
}

// newTestKernel returns a kernel with no sockets: its engines, completer
// and history are real but start nothing until a cell needs them.
func newTestKernel(t *testing.T) *testKernel {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	mem, err := memlimit.New(memlimit.Options{Limit: 1 << 30, Mechanism: memlimit.Poll})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	engine, err := compiled.New(compiled.Options{Workspace: &workspace.Workspace{Dir: dir}, Limiter: mem, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	lv := live.New(live.Options{Logger: log, Limiter: mem, Dir: dir})
	t.Cleanup(func() { lv.Close() })
	magics, err := magicTable()
	if err != nil {
		t.Fatal(err)
	}
	tk := &testKernel{shell: &fakeChannel{}, control: &fakeChannel{}, stdin: &fakeChannel{}, iopub: &fakeChannel{}}
	tk.Kernel = &Kernel{
		log:        log,
		session:    newID(),
		shell:      tk.shell,
		control:    tk.control,
		stdin:      tk.stdin,
		iopub:      tk.iopub,
		engine:     engine,
		live:       lv,
		mem:        mem,
		complete:   complete.New(dir, os.Environ()),
		history:    newHistory(),
		magics:     magics,
		maxDisplay: compiled.DefaultMaxOutput,
		executions: make(chan queued, 16),
		inputs:     make(chan *wire.Message, 1),
		shutdown:   make(chan bool, 1),
		answered:   make(chan struct{}),
		executed:   make(chan struct{}),
	}
	return tk
}

// request returns a client's request of type msgType with content (a
// value to marshal, or a string of JSON).
func request(t *testing.T, msgType string, content any) *wire.Message {
	t.Helper()
	if s, ok := content.(string); ok {
		content = json.RawMessage(s)
	}
	m, err := wire.NewMessage(msgType, "client-session", content)
	if err != nil {
		t.Fatal(err)
	}
	m.Identities = [][]byte{[]byte("client")}
	return m
}

// sentMsg is a message as the golden files hold it.
type sentMsg struct {
	MsgType string          `json:"msg_type"`
	Content json.RawMessage `json:"content"`
}

// transcript is what the kernel sent while answering one request.
type transcript struct {
	Reply []sentMsg `json:"reply"`
	IOPub []sentMsg `json:"iopub"`
}

// record returns what tk has sent on its reply channel ch and on iopub
// since the last call, checking that each message answers req.
func record(t *testing.T, tk *testKernel, ch *fakeChannel, req *wire.Message) transcript {
	t.Helper()
	conv := func(msgs []*wire.Message) []sentMsg {
		out := []sentMsg{}
		for _, m := range msgs {
			if m.ParentHeader != req.Header {
				t.Errorf("%s: parent_header is %+v, not the request's", m.Header.MsgType, m.ParentHeader)
			}
			out = append(out, sentMsg{m.Header.MsgType, m.Content})
		}
		return out
	}
	return transcript{Reply: conv(ch.sent()), IOPub: conv(tk.iopub.sent())}
}

// checkGolden compares got with testdata/replies/name.json field by field
// (the order of keys does not matter, their names and values do). The
// versions of Go and conclab in kernel_info_reply are written there as
// GOVERSION and CONCLABVERSION. With -update it writes the file instead.
func checkGolden(t *testing.T, name string, got transcript) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(strings.TrimPrefix(runtime.Version(), "go"), "GOVERSION", conclab.Version, "CONCLABVERSION")
	gotJSON := r.Replace(string(b))
	path := filepath.Join("testdata", "replies", name+".json")
	if *update {
		if err := os.WriteFile(path, []byte(gotJSON+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	var g, w any
	if err := json.Unmarshal([]byte(gotJSON), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("sent, differs from %s:\n%s\nwant:\n%s", path, gotJSON, want)
	}
}

// sameJSON reports whether a and b are the same JSON value, whatever the
// order of their keys.
func sameJSON(a, b string) bool {
	var va, vb any
	return json.Unmarshal([]byte(a), &va) == nil && json.Unmarshal([]byte(b), &vb) == nil && reflect.DeepEqual(va, vb)
}
