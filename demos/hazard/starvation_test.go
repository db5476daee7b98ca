package hazard

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestStarvation(t *testing.T) {
	defer checkGoroutines(t)()
	rec := Starvation(context.Background(), StarvationConfig{Duration: 100 * time.Millisecond})
	v := rec.Values
	if v["greedy_hold_share"] <= v["polite_hold_share"] || v["greedy_acquisitions"] == 0 {
		t.Errorf("the polite worker did not starve: %v", v)
	}
	if got := rec.Lanes(); !slices.Equal(got, []string{"greedy", "polite"}) {
		t.Errorf("lanes %v", got)
	}
}

func TestStarvationFair(t *testing.T) {
	defer checkGoroutines(t)()
	rec := Starvation(context.Background(), StarvationConfig{Duration: 100 * time.Millisecond, Fair: true})
	if rec.Values["polite_acquisitions"] == 0 {
		t.Errorf("the queued polite worker never got the lock: %v", rec.Values)
	}
}
