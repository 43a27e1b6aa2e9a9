//go:build js && wasm

package idb

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// TestAppendPayloadIsJSONMarshal: the payload Put hands to JSON.parse
// decodes to what json.Marshal of the batch's records decodes to, for
// strings that need escaping, invalid UTF-8, empty and omitted fields.
func TestAppendPayloadIsJSONMarshal(t *testing.T) {
	odd := "q\"b\\s/\x00\x1f\t\n<>&\u2028é😀\xff\xc3"
	spans := []span.Span{
		{TraceID: "0102030405060708090a0b0c0d0e0f10", SpanID: "0102030405060708", Name: odd,
			StartTimeUnixNano: 1_700_000_000_123_456_789, EndTimeUnixNano: 1_700_000_000_223_456_789,
			Scope:      span.Scope{Name: odd, Version: odd},
			Resource:   &span.Resource{Attributes: []span.KeyValue{span.String(odd, odd)}},
			Attributes: []span.KeyValue{span.String(odd, odd), span.Float("f", 1e-7)}},
		{TraceID: "1102030405060708090a0b0c0d0e0f10", SpanID: "1102030405060708", Name: "plain",
			StartTimeUnixNano: 1, EndTimeUnixNano: 2, Resource: &span.Resource{ID: odd}},
	}
	batch, err := cache.EncodeBatch(spans, time.Date(2030, 1, 2, 3, 4, 5, 6_000_000, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	batch.Records[1].Seq = 42
	batch.Records[1].Size = 0
	text, err := appendPayload(nil, &batch)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Records   [][1]map[string]any `json:"records"`
		Resources [][1]map[string]any `json:"resources"`
		Traces    []string            `json:"traces"`
	}
	if err := json.Unmarshal(text, &got); err != nil {
		t.Fatalf("payload is not JSON: %v\n%s", err, text)
	}
	if len(got.Records) != len(batch.Records) || len(got.Resources) != len(batch.Resources) || len(got.Traces) != len(batch.Traces) {
		t.Fatalf("payload has %d records, %d resources, %d traces; want %d, %d, %d", len(got.Records), len(got.Resources), len(got.Traces), len(batch.Records), len(batch.Resources), len(batch.Traces))
	}
	for i, r := range batch.Records {
		want := decodeAny(t, r)
		if !reflect.DeepEqual(got.Records[i][0], want) {
			t.Errorf("record %d:\n got %v\nwant %v", i, got.Records[i][0], want)
		}
	}
	for i, r := range batch.Resources {
		if want := decodeAny(t, r); !reflect.DeepEqual(got.Resources[i][0], want) {
			t.Errorf("resource %d:\n got %v\nwant %v", i, got.Resources[i][0], want)
		}
	}
	for i, bt := range batch.Traces {
		if got.Traces[i] != bt.TraceID {
			t.Errorf("trace %d = %q, want %q", i, got.Traces[i], bt.TraceID)
		}
	}
	// The JS engine reads it as Go's JSON decoder does.
	v, err := parseJSON(text)
	if err != nil {
		t.Fatal(err)
	}
	if s := v.Get("records").Index(0).Index(0).Get("scope").Get("name").String(); s != got.Records[0][0]["scope"].(map[string]any)["name"] {
		t.Errorf("JSON.parse reads scope name %q, want %q", s, got.Records[0][0]["scope"].(map[string]any)["name"])
	}
}

// decodeAny returns json.Marshal of x decoded into a map.
func decodeAny(t *testing.T, x any) map[string]any {
	t.Helper()
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
