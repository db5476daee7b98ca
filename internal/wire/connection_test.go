package wire

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConnectionInfo(t *testing.T) {
	const ports = `"shell_port":5001,"iopub_port":5002,"stdin_port":5003,"control_port":5004,"hb_port":5005`
	tests := []struct {
		name    string
		json    string
		check   func(*ConnectionInfo) error
		errText string
	}{
		{"tcp", `{"transport":"tcp","ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"hmac-sha256","kernel_name":"conclab"}`,
			func(c *ConnectionInfo) error {
				if c.ShellPort != 5001 || c.HBPort != 5005 || c.Key != "k" || c.KernelName != "conclab" {
					return fmt.Errorf("%+v", *c)
				}
				return nil
			}, ""},
		{"defaults", `{"ip":"127.0.0.1",` + ports + `}`,
			func(c *ConnectionInfo) error {
				if c.Transport != "tcp" || c.SignatureScheme != DefaultSignatureScheme || c.Key != "" {
					return fmt.Errorf("%+v", *c)
				}
				return nil
			}, ""},
		{"extra fields", `{"ip":"::1",` + ports + `,"jupyter_session":"/tmp/x.ipynb"}`, nil, ""},
		{"ipc", `{"transport":"ipc","ip":"/tmp/kernel-1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`, nil, ""},
		{"any address", `{"ip":"*",` + ports + `}`, nil, ""},
		{"host name", `{"ip":"localhost",` + ports + `}`, nil, ""},
		{"not JSON", `{"ip":`, nil, "parse"},
		{"port as string", `{"ip":"127.0.0.1","shell_port":"5001"}`, nil, "shell_port"},
		{"missing port", `{"ip":"127.0.0.1","shell_port":5001,"iopub_port":5002,"stdin_port":5003,"control_port":5004}`, nil, "hb_port 0 is out of range"},
		{"port too large", `{"ip":"127.0.0.1",` + strings.Replace(ports, "5003", "70000", 1) + `}`, nil, "stdin_port 70000 is out of range"},
		{"negative port", `{"ip":"127.0.0.1",` + strings.Replace(ports, "5004", "-1", 1) + `}`, nil, "control_port -1"},
		{"duplicate ports", `{"ip":"127.0.0.1",` + strings.Replace(ports, "5005", "5001", 1) + `}`, nil, "shell_port and hb_port are both 5001"},
		{"empty ip", `{"ip":"",` + ports + `}`, nil, "ip is empty"},
		{"bad ip", `{"ip":"no such host.invalid",` + ports + `}`, nil, "neither an IP address"},
		{"udp", `{"transport":"udp","ip":"127.0.0.1",` + ports + `}`, nil, `transport "udp" is not supported`},
		{"bad scheme", `{"ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"sha256"}`, nil, "signature_scheme"},
		{"unknown hash", `{"ip":"127.0.0.1",` + ports + `,"key":"k","signature_scheme":"hmac-whirlpool"}`, nil, "unknown hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConnectionInfo([]byte(tt.json))
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("error = %v, want one containing %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				if err := tt.check(c); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestReadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "kernel.json")
	if err := os.WriteFile(good, []byte(`{"ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"s3cret"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, maxConnectionFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"ip":"127.0.0.1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		errText string
	}{
		{good, ""},
		{filepath.Join(dir, "missing.json"), "no such file"},
		{dir, "is a directory"},
		{big, "larger than"},
		{bad, "bad.json: shell_port 0 is out of range"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			c, err := ReadConnectionFile(tt.path)
			if tt.errText == "" {
				if err != nil || c.Key != "s3cret" {
					t.Fatalf("ReadConnectionFile = %+v, %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("error = %v, want one containing %q", err, tt.errText)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct {
		info ConnectionInfo
		port int
		want string
	}{
		{ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, 5555, "tcp://127.0.0.1:5555"},
		{ConnectionInfo{Transport: "tcp", IP: "::1"}, 5555, "tcp://[::1]:5555"},
		{ConnectionInfo{Transport: "tcp", IP: "*"}, 1, "tcp://*:1"},
		{ConnectionInfo{Transport: "ipc", IP: "/run/kernel-abc"}, 3, "ipc:///run/kernel-abc-3"},
	}
	for _, tt := range tests {
		if got := tt.info.Endpoint(tt.port); got != tt.want {
			t.Errorf("Endpoint(%d) = %q, want %q", tt.port, got, tt.want)
		}
	}
}

func TestConnectionInfoHidesKey(t *testing.T) {
	c := &ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: "very-secret-key", SignatureScheme: "hmac-sha256"}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("start", "connection", c)
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v", c), log.String()} {
		if strings.Contains(s, "very-secret-key") {
			t.Errorf("%q shows the key", s)
		}
		if !strings.Contains(s, "redacted") {
			t.Errorf("%q does not say the key is redacted", s)
		}
	}
}
