package engine

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Name: "panic", Value: "x"}, "panic: x"},
		{&Error{Name: "Interrupted", Value: "the cell was interrupted", Traceback: []string{"ignored"}}, "Interrupted: the cell was interrupted"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		var e *Error
		if !errors.As(fmt.Errorf("wrapped: %w", tt.err), &e) || e != tt.err {
			t.Errorf("errors.As does not find %v through a wrap", tt.err)
		}
	}
}
