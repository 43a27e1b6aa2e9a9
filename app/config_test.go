package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseBrowserConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    browserConfig
		wantErr []string
	}{
		{name: "defaults", env: nil, want: browserConfig{}},
		{name: "all set", env: map[string]string{
			"SPANFALL_EXPORT_URL": "http://127.0.0.1:4318/v1/traces", "SPANFALL_FLUSH_INTERVAL": "2s",
			"SPANFALL_BATCH_SIZE": "100", "SPANFALL_BACKOFF": "250ms", "SPANFALL_MAX_SPANS": "1000",
			"SPANFALL_MAX_BYTES": "-1", "SPANFALL_MAX_AGE": "1h",
			"SPANFALL_OTLP_ENCODING": "json", "SPANFALL_OTLP_COMPRESSION": "none", "SPANFALL_GC_HEADROOM": "-1",
		}, want: browserConfig{
			ExportURL: "http://127.0.0.1:4318/v1/traces", FlushInterval: 2 * time.Second, BatchSize: 100,
			Backoff: 250 * time.Millisecond, MaxSpans: 1000, MaxBytes: -1, MaxAge: time.Hour,
			JSON: true, NoGzip: true, GCHeadroom: -1,
		}},
		{name: "bad values are named and the good ones kept", env: map[string]string{
			"SPANFALL_FLUSH_INTERVAL": "soon", "SPANFALL_MAX_SPANS": "0", "SPANFALL_BATCH_SIZE": "-1", "SPANFALL_MAX_AGE": "2h",
			"SPANFALL_OTLP_ENCODING": "xml", "SPANFALL_GC_HEADROOM": "lots",
		}, want: browserConfig{MaxAge: 2 * time.Hour},
			wantErr: []string{`SPANFALL_FLUSH_INTERVAL="soon"`, `SPANFALL_MAX_SPANS="0"`, "SPANFALL_BATCH_SIZE=-1", `SPANFALL_OTLP_ENCODING="xml"`, `SPANFALL_GC_HEADROOM="lots"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBrowserConfig(func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			for _, w := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v does not name %s", err, w)
				}
			}
		})
	}
}

// TestBrowserEnvIsParsed keeps the pass-through list and the parser in step.
func TestBrowserEnvIsParsed(t *testing.T) {
	for _, k := range browserEnv {
		_, err := parseBrowserConfig(func(key string) string {
			if key == k {
				return "garbage"
			}
			return ""
		})
		if k != "SPANFALL_EXPORT_URL" && (err == nil || !strings.Contains(err.Error(), k)) {
			t.Errorf("%s is passed to the browser but not parsed", k)
		}
	}
}
