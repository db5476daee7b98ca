package display

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// mimeValue turns the content the program sent for one MIME type into a value
// that encodes to the JSON Jupyter expects. It fails for content that cannot
// be encoded as JSON at all (gob can carry complex numbers, NaN, ...).
func mimeValue(mime string, v any) (any, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return bytesValue(mime, v), nil
	case nil:
		return nil, fmt.Errorf("%s: no content", mime)
	}
	if _, err := json.Marshal(v); err != nil {
		return nil, fmt.Errorf("%s: content of type %T: %w", mime, v, err)
	}
	return v, nil
}

// bytesValue encodes raw bytes the way Jupyter stores that MIME type: text as a
// string, a JSON document as itself, anything else (images) as base64.
func bytesValue(mime string, b []byte) any {
	switch {
	case isJSON(mime) && json.Valid(b):
		return json.RawMessage(append([]byte(nil), b...))
	case isText(mime) && utf8.Valid(b):
		return string(b)
	default:
		return base64.StdEncoding.EncodeToString(b)
	}
}

// isText reports whether Jupyter keeps content of this MIME type as text.
func isText(mime string) bool {
	base, _, _ := strings.Cut(mime, ";")
	base = strings.TrimSpace(strings.ToLower(base))
	return strings.HasPrefix(base, "text/") ||
		strings.HasSuffix(base, "+xml") || // image/svg+xml and friends
		base == "application/javascript" ||
		base == "application/xml" ||
		isJSON(base)
}

// isJSON reports whether content of this MIME type is a JSON document.
func isJSON(mime string) bool {
	base, _, _ := strings.Cut(mime, ";")
	base = strings.TrimSpace(strings.ToLower(base))
	return base == "application/json" || strings.HasSuffix(base, "+json")
}

// metadataValue keeps a metadata entry only if it encodes to JSON.
func metadataValue(key string, v any) (any, error) {
	if b, ok := v.([]byte); ok {
		return bytesValue("", b), nil
	}
	if _, err := json.Marshal(v); err != nil {
		return nil, fmt.Errorf("metadata %q of type %T: %w", key, v, err)
	}
	return v, nil
}
