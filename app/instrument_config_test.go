package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseInstrumentConfig(t *testing.T) {
	on := instrumentConfig{DocumentLoad: true, Resources: true, Requests: true, Interactions: true, Early: true}
	tests := []struct {
		name    string
		env     map[string]string
		want    func(c *instrumentConfig)
		wantErr []string
	}{
		{name: "defaults: everything on", want: func(*instrumentConfig) {}},
		{name: "switched off", env: map[string]string{
			"SPANFALL_INSTRUMENT_DOCUMENT_LOAD": "off", "SPANFALL_INSTRUMENT_RESOURCES": "false",
			"SPANFALL_INSTRUMENT_REQUESTS": "0", "SPANFALL_INSTRUMENT_INTERACTIONS": "OFF", "SPANFALL_EARLY_BUFFER": "off",
		}, want: func(c *instrumentConfig) {
			*c = instrumentConfig{}
		}},
		{name: "lists and cap", env: map[string]string{
			"SPANFALL_PROPAGATE_ORIGINS": " https://api.example.com, https://*.cdn.example:8443/ ,",
			"SPANFALL_QUERY_KEYS":        "page, lang", "SPANFALL_ATTR_MAX_LEN": "-1",
		}, want: func(c *instrumentConfig) {
			c.PropagateOrigins = []string{"https://api.example.com", "https://*.cdn.example:8443/"}
			c.QueryKeys = []string{"page", "lang"}
			c.MaxAttrLen = -1
		}},
		{name: "bad values named, good ones kept", env: map[string]string{
			"SPANFALL_INSTRUMENT_RESOURCES": "maybe", "SPANFALL_ATTR_MAX_LEN": "0",
			"SPANFALL_PROPAGATE_ORIGINS": "api.example.com,https://ok.example,https://x.example/path",
			"SPANFALL_QUERY_KEYS":        "page",
		}, want: func(c *instrumentConfig) {
			c.PropagateOrigins = []string{"https://ok.example"}
			c.QueryKeys = []string{"page"}
		}, wantErr: []string{`SPANFALL_INSTRUMENT_RESOURCES="maybe"`, `SPANFALL_ATTR_MAX_LEN="0"`, `"api.example.com"`, `"https://x.example/path"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := on
			tt.want(&want)
			got, err := parseInstrumentConfig(func(k string) string { return tt.env[k] })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("config = %+v, want %+v", got, want)
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
