package otlp

import (
	"encoding/json"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spanfall/spanfall/tracer"
)

// isProtoResponse reports whether a response body with Content-Type ctype
// should be read as protobuf: when ctype says protobuf, or says neither
// protobuf nor JSON (absent, sniffed as text or octet-stream) and the
// request was protobuf, since receivers answer in the request's encoding.
func isProtoResponse(ctype string, sent Encoding) bool {
	mt, _, err := mime.ParseMediaType(ctype)
	if err == nil {
		switch mt {
		case contentProto, "application/protobuf":
			return true
		case contentJSON:
			return false
		}
	}
	return sent == EncodingProtobuf
}

// parsePartialSuccess reads an ExportTraceServiceResponse. A body it cannot
// read counts as full success: the receiver accepted the request.
func parsePartialSuccess(data []byte, proto bool) tracer.ExportResult {
	if proto {
		if r, ok := partialSuccessProto(data); ok {
			return r
		}
	}
	return partialSuccessJSON(data)
}

func partialSuccessJSON(data []byte) tracer.ExportResult {
	var r struct {
		PartialSuccess struct {
			RejectedSpans json.Number `json:"rejectedSpans"`
			ErrorMessage  string      `json:"errorMessage"`
		} `json:"partialSuccess"`
	}
	if json.Unmarshal(data, &r) != nil {
		return tracer.ExportResult{}
	}
	n, _ := strconv.ParseInt(string(r.PartialSuccess.RejectedSpans), 10, 64)
	return tracer.ExportResult{RejectedSpans: n, Message: r.PartialSuccess.ErrorMessage}
}

// partialSuccessProto decodes ExportTraceServiceResponse{partial_success=1:
// ExportTracePartialSuccess{rejected_spans=1 int64, error_message=2}}.
func partialSuccessProto(data []byte) (tracer.ExportResult, bool) {
	var res tracer.ExportResult
	ok := eachField(data, func(num uint64, wire int, _ uint64, p []byte) bool {
		if num != 1 {
			return true
		}
		if wire != wireBytes {
			return false
		}
		return eachField(p, func(num uint64, wire int, v uint64, p []byte) bool {
			switch num {
			case 1:
				if wire != wireVarint {
					return false
				}
				res.RejectedSpans = int64(v)
			case 2:
				if wire != wireBytes || !utf8.Valid(p) {
					return false
				}
				res.Message = string(p)
			}
			return true
		})
	})
	if !ok {
		return tracer.ExportResult{}, false
	}
	return res, true
}

// errorMessage extracts the message of a google.rpc.Status error body
// (protobuf first when proto, then JSON), or else returns the start of the
// body when it is text (a proxy's error page).
func errorMessage(data []byte, proto bool) string {
	if proto {
		if msg, ok := statusMessageProto(data); ok {
			return msg
		}
	}
	var st struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &st) == nil && st.Message != "" {
		return st.Message
	}
	if !isText(data) {
		return ""
	}
	s := strings.TrimSpace(string(data))
	if len(s) > maxErrorBody {
		s = s[:maxErrorBody]
	}
	return s
}

// isText reports whether b is UTF-8 without control characters other than
// tab, CR and LF: a body worth quoting in an error.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return false
		}
	}
	return true
}

// statusMessageProto decodes google.rpc.Status{code=1, message=2,
// details=3} and returns the message.
func statusMessageProto(data []byte) (string, bool) {
	var msg string
	ok := eachField(data, func(num uint64, wire int, _ uint64, p []byte) bool {
		switch num {
		case 1:
			return wire == wireVarint
		case 2:
			if wire != wireBytes || !utf8.Valid(p) {
				return false
			}
			msg = string(p)
		}
		return true
	})
	return msg, ok
}
