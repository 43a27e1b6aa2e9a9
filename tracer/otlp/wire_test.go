package otlp

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/tracer"
)

func TestReadVarint(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		want  uint64
		wantN int
	}{
		{"zero", []byte{0}, 0, 1},
		{"150", []byte{0x96, 0x01, 0xff}, 150, 2},
		{"max uint64", append(repeat(0xff, 9), 0x01), math.MaxUint64, 10},
		{"overflowing tenth byte", append(repeat(0xff, 9), 0x02), 0, 0},
		{"eleven bytes", append(repeat(0x80, 10), 0x00), 0, 0},
		{"truncated", []byte{0x80}, 0, 0},
		{"empty", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, n := readVarint(tt.in)
			if v != tt.want || n != tt.wantN {
				t.Fatalf("readVarint(% x) = %d, %d; want %d, %d", tt.in, v, n, tt.want, tt.wantN)
			}
			if n > 0 {
				if back := appendVarint(nil, v); string(back) != string(tt.in[:n]) || sizeVarint(v) != n {
					t.Fatalf("appendVarint(%d) = % x, sizeVarint %d", v, back, sizeVarint(v))
				}
			}
		})
	}
}

func repeat(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

func TestEachFieldMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"empty", nil, true},
		{"all wire types", []byte{0x08, 0x01, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 0x01, 'x', 0x25, 1, 2, 3, 4}, true},
		{"field zero", []byte{0x00, 0x01}, false},
		{"start group", []byte{0x0b}, false},
		{"end group", []byte{0x0c}, false},
		{"wire type 7", []byte{0x0f}, false},
		{"truncated varint", []byte{0x08, 0x80}, false},
		{"truncated fixed64", []byte{0x09, 1, 2, 3}, false},
		{"truncated fixed32", []byte{0x0d, 1}, false},
		{"length past end", []byte{0x0a, 0x05, 'x'}, false},
		{"huge length", []byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, false},
		{"truncated tag", []byte{0x80}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok := eachField(tt.in, func(uint64, int, uint64, []byte) bool { return true }); ok != tt.ok {
				t.Fatalf("eachField(% x) = %v, want %v", tt.in, ok, tt.ok)
			}
		})
	}
}

func TestPartialSuccessProto(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want tracer.ExportResult
		ok   bool
	}{
		{"empty response", nil, tracer.ExportResult{}, true},
		{"rejected and message", []byte{0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 'd', 'u', 'p'}, tracer.ExportResult{RejectedSpans: 3, Message: "dup"}, true},
		{"unknown fields skipped", []byte{0x10, 0x01, 0x0a, 0x04, 0x08, 0x02, 0x18, 0x05}, tracer.ExportResult{RejectedSpans: 2}, true},
		{"negative count", append([]byte{0x0a, 0x0b, 0x08}, append(repeat(0xff, 9), 0x01)...), tracer.ExportResult{RejectedSpans: -1}, true},
		{"partial_success not a message", []byte{0x08, 0x01}, tracer.ExportResult{}, false},
		{"rejected_spans as bytes", []byte{0x0a, 0x03, 0x0a, 0x01, 'x'}, tracer.ExportResult{}, false},
		{"message not UTF-8", []byte{0x0a, 0x03, 0x12, 0x01, 0xff}, tracer.ExportResult{}, false},
		{"JSON", []byte(`{"partialSuccess":{}}`), tracer.ExportResult{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := partialSuccessProto(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("partialSuccessProto(% x) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	long := strings.Repeat("x", maxErrorBody+10)
	tests := []struct {
		name  string
		in    []byte
		proto bool
		want  string
	}{
		{"proto status", []byte{0x08, 0x03, 0x12, 0x02, 'n', 'o'}, true, "no"},
		{"proto status without message", []byte{0x08, 0x03}, true, ""},
		{"proto status, message of wrong type", []byte{0x10, 0x03}, true, ""},
		{"JSON status read as proto", []byte(`{"code":3,"message":"bad"}`), true, "bad"},
		{"JSON status", []byte(`{"code":3,"message":"bad"}`), false, "bad"},
		{"text", []byte(" too large \n"), true, "too large"},
		{"long text", []byte(long), false, long[:maxErrorBody]},
		{"binary garbage", []byte{0xff, 0x00, 0xfe}, true, ""},
		{"empty", nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorMessage(tt.in, tt.proto); got != tt.want {
				t.Fatalf("errorMessage(%q, %v) = %q, want %q", tt.in, tt.proto, got, tt.want)
			}
		})
	}
}

func TestIsProtoResponse(t *testing.T) {
	tests := []struct {
		ctype string
		sent  Encoding
		want  bool
	}{
		{"application/x-protobuf", EncodingJSON, true},
		{"application/protobuf; charset=binary", EncodingJSON, true},
		{"Application/JSON; charset=utf-8", EncodingProtobuf, false},
		{"", EncodingProtobuf, true},
		{"", EncodingJSON, false},
		{"text/plain; charset=utf-8", EncodingProtobuf, true},
		{"application/octet-stream", EncodingJSON, false},
		{"bad;;", EncodingProtobuf, true},
	}
	for _, tt := range tests {
		if got := isProtoResponse(tt.ctype, tt.sent); got != tt.want {
			t.Errorf("isProtoResponse(%q, %v) = %v, want %v", tt.ctype, tt.sent, got, tt.want)
		}
	}
}
