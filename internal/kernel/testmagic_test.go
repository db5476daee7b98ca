package kernel

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/engine"
)

func TestParseTestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    *engine.Test
		wantErr string // in a UsageError's message
	}{
		{args: nil, want: &engine.Test{Race: true}},
		{args: []string{""}, want: &engine.Test{Run: ".", Race: true}},
		{args: []string{"-run", "Counter", "-count", "3", "-v", "-short"}, want: &engine.Test{Run: "Counter", Count: 3, Verbose: true, Short: true, Race: true}},
		{args: []string{"-bench=.", "-cpu", "1,2,4", "-benchmem"}, want: &engine.Test{Bench: ".", CPU: []int{1, 2, 4}, Benchmem: true, Race: true}},
		{args: []string{"-race=false", "-timeout", "5s"}, want: &engine.Test{Timeout: 5 * time.Second}},
		{args: []string{"-test.bench=.", "-test.run=Bechmark", "-test.v"}, want: &engine.Test{Bench: ".", Run: "Bechmark", Verbose: true, Race: true}},
		{args: []string{"-cover"}, wantErr: "allowed: -run"},
		{args: []string{"TestA"}, wantErr: `"TestA" is not a flag`},
		{args: []string{"-run", "(["}, wantErr: "not a regular expression"},
		{args: []string{"-cpu", "0"}, wantErr: "GOMAXPROCS values from 1"},
		{args: []string{"-cpu", "1,x"}, wantErr: "comma-separated"},
		{args: []string{"-count", "-1"}, wantErr: "whole number"},
		{args: []string{"-bench", ".", "-benchtime", "100ms"}, want: &engine.Test{Bench: ".", Benchtime: "100ms", Race: true}},
		{args: []string{"-bench", ".", "-benchtime=500x"}, want: &engine.Test{Bench: ".", Benchtime: "500x", Race: true}},
		{args: []string{"-benchtime", "fast"}, wantErr: "a duration like 100ms"},
		{args: []string{"-benchtime", "0x"}, wantErr: "a duration like 100ms"},
		{args: []string{"-benchtime", "-1s"}, wantErr: "a duration like 100ms"},
		{args: []string{"-timeout", "soon"}, wantErr: "allowed"},
	}
	for _, tt := range tests {
		got, err := parseTestFlags(tt.args)
		if tt.wantErr != "" {
			var ee *engine.Error
			if !errors.As(err, &ee) || ee.Name != "UsageError" || !strings.Contains(ee.Value, tt.wantErr) {
				t.Errorf("parseTestFlags(%q) err = %v, want a UsageError with %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseTestFlags(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}
