package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestJupyterClient checks the sockets against jupyter_client, the reference
// client: kernel_info on shell and control, status on iopub, the heartbeat,
// and that badly signed, unsigned, replayed and garbled messages are ignored.
// It needs CONCLAB_PYTHON: a python with jupyter_client and pyzmq.
func TestJupyterClient(t *testing.T) {
	python := os.Getenv("CONCLAB_PYTHON")
	if python == "" {
		t.Skip("CONCLAB_PYTHON is not set: point it to a python with jupyter_client and pyzmq " +
			"(python3 -m venv /tmp/wirevenv && /tmp/wirevenv/bin/pip install jupyter_client pyzmq) to run this check")
	}
	if out, err := exec.Command(python, "-c", "import jupyter_client, zmq").CombinedOutput(); err != nil {
		t.Fatalf("CONCLAB_PYTHON=%s cannot import jupyter_client and zmq: %v\n%s", python, err, out)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "jupyter_client_check.py"))
	if err != nil {
		t.Fatal(err)
	}
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			info := testInfo(t, "a-key-for-the-test")
			if transport == "ipc" {
				info.Transport = "ipc"
				info.IP = filepath.Join(t.TempDir(), "kernel")
				info.ShellPort, info.IOPubPort, info.StdinPort, info.ControlPort, info.HBPort = 1, 2, 3, 4, 5
			}
			k := startTestKernel(t, info)
			path := filepath.Join(t.TempDir(), "kernel.json")
			data, err := json.Marshal(info)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 4*hangLimit)
			defer cancel()
			var stdout, stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, python, script, path)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v\nstderr:\n%s", filepath.Base(script), err, stderr.String())
			}
			var report struct {
				Accepted []string `json:"accepted"`
				Dropped  []string `json:"dropped"`
				Banner   string   `json:"banner"`
				CommMsg  string   `json:"comm_msg"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
				t.Fatalf("report %q: %v", stdout.String(), err)
			}
			if report.Banner != testBanner {
				t.Errorf("client saw banner %q, want %q", report.Banner, testBanner)
			}
			seen := k.seenIDs()
			for _, id := range report.Accepted {
				if !slices.Contains(seen, id) {
					t.Errorf("kernel did not accept %s", id)
				}
			}
			for _, id := range report.Dropped {
				if slices.Contains(seen, id) {
					t.Errorf("kernel accepted %s, which the client sent with a wrong key or no signature", id)
				}
			}
			checkCommMsg(t, k, report.CommMsg)
		})
	}
}

// checkCommMsg checks that the comm_msg the client sent arrived with its
// text and binary buffer intact.
func checkCommMsg(t *testing.T, k *testKernel, id string) {
	t.Helper()
	m := k.message(id)
	if m == nil {
		t.Fatalf("kernel has no comm_msg %s", id)
	}
	var c struct {
		CommID string `json:"comm_id"`
		Data   struct {
			Text string `json:"text"`
		} `json:"data"`
	}
	if err := m.DecodeContent(&c); err != nil {
		t.Fatal(err)
	}
	if c.CommID != "c1" || c.Data.Text != "h\u00e9llo \u2713 <b>&" {
		t.Errorf("comm_msg content %+v", c)
	}
	if len(m.Buffers) != 1 || !bytes.Equal(m.Buffers[0], []byte("\x00\x01\xffbinary")) {
		t.Errorf("comm_msg buffers %q", m.Buffers)
	}
}
