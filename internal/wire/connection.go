package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
)

// ConnectionInfo is a Jupyter connection file: where the kernel binds its
// sockets and how it signs messages.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name"`
}

// DefaultSignatureScheme is the scheme jupyter_client uses when a connection
// file does not name one.
const DefaultSignatureScheme = "hmac-sha256"

// maxConnectionFile bounds how much of a connection file is read; real ones
// are a few hundred bytes.
const maxConnectionFile = 1 << 20

// ReadConnectionFile reads and validates the connection file at path. A
// missing transport defaults to "tcp" and a missing signature scheme to
// [DefaultSignatureScheme]; anything else that is missing or wrong is an
// error that names the field.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("connection file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConnectionFile+1))
	if err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	if len(data) > maxConnectionFile {
		return nil, fmt.Errorf("connection file %s: larger than %d bytes, not a connection file", path, maxConnectionFile)
	}
	info, err := ParseConnectionInfo(data)
	if err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	return info, nil
}

// ParseConnectionInfo parses and validates the JSON of a connection file,
// with the defaults of [ReadConnectionFile].
func ParseConnectionInfo(data []byte) (*ConnectionInfo, error) {
	var info ConnectionInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if info.SignatureScheme == "" {
		info.SignatureScheme = DefaultSignatureScheme
	}
	if err := info.Validate(); err != nil {
		return nil, err
	}
	return &info, nil
}

// Validate reports the first problem that would stop a kernel from binding
// its sockets or checking signatures with c.
func (c *ConnectionInfo) Validate() error {
	switch c.Transport {
	case "tcp":
		if c.IP == "" {
			return errors.New(`ip is empty (want an address such as "127.0.0.1")`)
		}
		if c.IP != "*" && net.ParseIP(c.IP) == nil {
			// A host name works for a client but a kernel binds an address.
			if _, err := net.ResolveTCPAddr("tcp", net.JoinHostPort(c.IP, "0")); err != nil {
				return fmt.Errorf("ip %q is neither an IP address nor a resolvable host: %w", c.IP, err)
			}
		}
	case "ipc":
		if c.IP == "" {
			return errors.New("ip is empty (the ipc transport uses it as the socket path prefix)")
		}
	default:
		return fmt.Errorf(`transport %q is not supported (want "tcp" or "ipc")`, c.Transport)
	}
	seen := make(map[int]string, 5)
	for _, p := range c.ports() {
		if p.port <= 0 || (c.Transport == "tcp" && p.port > 65535) {
			return fmt.Errorf("%s %d is out of range", p.name, p.port)
		}
		if other, dup := seen[p.port]; dup {
			return fmt.Errorf("%s and %s are both %d", other, p.name, p.port)
		}
		seen[p.port] = p.name
	}
	if _, err := NewSigner(c.SignatureScheme, c.Key); err != nil {
		return err
	}
	return nil
}

type namedPort struct {
	name string
	port int
}

func (c *ConnectionInfo) ports() []namedPort {
	return []namedPort{
		{"shell_port", c.ShellPort},
		{"iopub_port", c.IOPubPort},
		{"stdin_port", c.StdinPort},
		{"control_port", c.ControlPort},
		{"hb_port", c.HBPort},
	}
}

// Endpoint returns the ZeroMQ address the kernel binds for one of c's ports: "tcp://127.0.0.1:5555", "tcp://[::1]:5555", or for the ipc
// transport "ipc://<ip>-<port>" (jupyter_client's naming).
func (c *ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(port)
	}
	return c.Transport + "://" + net.JoinHostPort(c.IP, strconv.Itoa(port))
}

// String describes c without its key, so that printing a ConnectionInfo
// never leaks the secret.
func (c *ConnectionInfo) String() string {
	key := "none"
	if c.Key != "" {
		key = "redacted"
	}
	return fmt.Sprintf("%s %s shell=%d iopub=%d stdin=%d control=%d hb=%d scheme=%s key=%s",
		c.Transport, c.IP, c.ShellPort, c.IOPubPort, c.StdinPort, c.ControlPort, c.HBPort, c.SignatureScheme, key)
}

// LogValue implements slog.LogValuer with the key left out.
func (c *ConnectionInfo) LogValue() slog.Value {
	return slog.StringValue(c.String())
}
