package display

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

func TestMimeValue(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0xff}
	tests := []struct {
		name    string
		mime    string
		in      any
		want    any
		wantErr bool
	}{
		{"html string", "text/html", "<b>x</b>", "<b>x</b>", false},
		{"png bytes become base64", "image/png", png, base64.StdEncoding.EncodeToString(png), false},
		{"jpeg bytes become base64", "image/jpeg", []byte{1, 2, 3}, "AQID", false},
		{"png already base64 text", "image/png", "AQID", "AQID", false},
		{"svg bytes stay text", "image/svg+xml", []byte("<svg/>"), "<svg/>", false},
		{"markdown bytes stay text", "text/markdown", []byte("# hi"), "# hi", false},
		{"text with charset", "text/plain; charset=utf-8", []byte("hi"), "hi", false},
		{"invalid utf-8 text becomes base64", "text/plain", []byte{0xff, 0xfe}, "//4=", false},
		{"json bytes stay a document", "application/json", []byte(`{"a":1}`), json.RawMessage(`{"a":1}`), false},
		{"vendor json", "application/vnd.foo+json", []byte(`[1]`), json.RawMessage(`[1]`), false},
		{"broken json bytes stay text", "application/json", []byte(`{"a"`), `{"a"`, false},
		{"unknown mime passes through", "application/x-thing", map[string]int{"n": 1}, map[string]int{"n": 1}, false},
		{"unknown mime string", "application/x-thing", "raw", "raw", false},
		{"number passes through", "application/x-n", 3.5, 3.5, false},
		{"nil is dropped", "text/html", nil, nil, true},
		{"NaN cannot be JSON", "application/x-n", math.NaN(), nil, true},
		{"complex cannot be JSON", "application/x-n", complex(1, 2), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mimeValue(tt.mime, tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("mimeValue(%q, %v) error = %v, want error %v", tt.mime, tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mimeValue(%q, %v) = %#v, want %#v", tt.mime, tt.in, got, tt.want)
			}
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("result does not encode to JSON: %v", err)
			}
		})
	}
}

func TestMetadataValue(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    any
		wantErr bool
	}{
		{"number", 640, 640, false},
		{"nested map", map[string]int{"width": 3}, map[string]int{"width": 3}, false},
		{"bytes become base64", []byte{1, 2, 3}, "AQID", false},
		{"NaN dropped", math.Inf(1), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := metadataValue("k", tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("metadataValue(%v) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("metadataValue(%v) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}
