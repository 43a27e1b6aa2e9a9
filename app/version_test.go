//go:build !js

package main

import (
	"testing"
	"time"
)

func TestAppVersion(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	t0 := time.Unix(1700000000, 0)
	if got := appVersion(env(map[string]string{"SPANFALL_VERSION": "b2"}), "v1.2.3", t0); got != "b2" {
		t.Errorf("SPANFALL_VERSION set: %q, want b2", got)
	}
	if got := appVersion(env(nil), "v1.2.3", t0); got != "v1.2.3" {
		t.Errorf("built version: %q, want v1.2.3", got)
	}
	a, b := appVersion(env(nil), "", t0), appVersion(env(nil), "", t0.Add(time.Second))
	if len(a) != 16 || a == b {
		t.Errorf("derived versions %q and %q: want 16 hex digits, different per start", a, b)
	}
}
