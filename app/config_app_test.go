package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseAppInstrumentConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    appInstrumentConfig
		wantErr []string
	}{
		{name: "defaults: all on, everything sampled", want: appInstrumentConfig{}},
		{name: "switches off", env: map[string]string{
			"SPANFALL_ERRORS": "off", "SPANFALL_LONG_TASKS": "false", "SPANFALL_WEB_VITALS": "0", "SPANFALL_APP_SPANS": "off", "SPANFALL_TAIL_ERRORS": "off",
		}, want: appInstrumentConfig{NoErrors: true, NoLongTasks: true, NoVitals: true, NoAppSpans: true, NoTailErrors: true}},
		{name: "explicit on", env: map[string]string{"SPANFALL_ERRORS": "on", "SPANFALL_WEB_VITALS": "true"}, want: appInstrumentConfig{}},
		{name: "sampling", env: map[string]string{"SPANFALL_SAMPLE_RATIO": "0", "SPANFALL_SLOW_ROOT": "750ms"},
			want: appInstrumentConfig{SampleRatioSet: true, SlowRoot: 750 * time.Millisecond}},
		{name: "ratio 1 is the default", env: map[string]string{"SPANFALL_SAMPLE_RATIO": "1"}, want: appInstrumentConfig{}},
		{name: "ratio 0.25", env: map[string]string{"SPANFALL_SAMPLE_RATIO": "0.25"}, want: appInstrumentConfig{SampleRatio: 0.25, SampleRatioSet: true}},
		{name: "bad values named, good kept", env: map[string]string{
			"SPANFALL_SAMPLE_RATIO": "1.5", "SPANFALL_SLOW_ROOT": "-1s", "SPANFALL_ERRORS": "maybe", "SPANFALL_LONG_TASKS": "off",
		}, want: appInstrumentConfig{NoLongTasks: true},
			wantErr: []string{`SPANFALL_SAMPLE_RATIO="1.5"`, `SPANFALL_SLOW_ROOT="-1s"`, `SPANFALL_ERRORS="maybe"`}},
		{name: "NaN ratio refused", env: map[string]string{"SPANFALL_SAMPLE_RATIO": "NaN"}, wantErr: []string{"SPANFALL_SAMPLE_RATIO"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAppInstrumentConfig(func(k string) string { return tt.env[k] })
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
			// The same settings through the pipeline's parser.
			bc, err2 := parseBrowserConfig(func(k string) string { return tt.env[k] })
			if bc.App != tt.want || (err2 == nil) != (err == nil) {
				t.Errorf("parseBrowserConfig: App %+v, err %v", bc.App, err2)
			}
		})
	}
}
