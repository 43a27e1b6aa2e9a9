package cache_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// bulkSpans covers every field of the stored form: escapes and non-ASCII
// text, all value types, nested arrays, events, links, status, flags and
// dropped counts, a span without a resource.
func bulkSpans() []cache.Record {
	full := codecSpan()
	full.ParentSpanID = "1111111111111111"
	full.TraceState = "k=v"
	full.Flags = 257
	full.Name = "GET /cart/\"{id}\"\n\t\\ é 日本 \u2028 \x01"
	full.Attributes = []span.KeyValue{
		span.String("s", "a\"b\\c</script>"), span.Int("i", -9007199254740993), span.Float("f", 0.1),
		span.Float("big", 1e300), span.Float("neg", -2.5e-7), span.Bool("t", true), span.Bool("f", false),
		{Key: "arr", Value: span.Value{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeString, Str: "x"}, {Type: span.TypeInt, Int: 3}}}},
		{Key: "empty-arr", Value: span.Value{Type: span.TypeArray, Array: []span.Value{}}},
		{Key: "empty", Value: span.Value{}},
	}
	full.DroppedAttributesCount, full.DroppedEventsCount, full.DroppedLinksCount = 1, 2, 3
	full.Events = []span.Event{{TimeUnixNano: 1_700_000_000_200_000_000, Name: "ev", Attributes: []span.KeyValue{span.Int("n", 1)}}, {Name: "bare"}}
	full.Links = []span.Link{{TraceID: "4bf92f3577b34da6a3ce929d0e0e4737", SpanID: "00f067aa0ba902b8", TraceState: "a=b", Attributes: []span.KeyValue{span.String("l", "v")}}}
	full.Status = span.Status{Code: span.StatusError, Message: "boom ✗"}
	full.Kind = span.KindServer

	bare := codecSpan()
	bare.Resource = nil
	bare.Scope = span.Scope{}
	bare.Attributes = nil
	return []cache.Record{{Seq: 1, Span: full, Exported: true}, {Seq: 2, Span: bare}, {Seq: 1 << 40, Span: codecSpan()}}
}

func encodeBulk(t testing.TB, recs []cache.Record) []byte {
	stored := make([]cache.StoredRecord, len(recs))
	for i, r := range recs {
		st, err := cache.EncodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		stored[i] = st
	}
	b, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// slowDecode is the reference: encoding/json and StoredRecord.Decode.
func slowDecode(text []byte) ([]cache.Record, []string, error) {
	var stored []cache.StoredRecord
	if err := json.Unmarshal(text, &stored); err != nil {
		return nil, nil, err
	}
	recs := make([]cache.Record, len(stored))
	ids := make([]string, len(stored))
	for i, st := range stored {
		ids[i] = st.Resource
		st.Resource = ""
		r, err := st.Decode(nil)
		if err != nil {
			return nil, nil, err
		}
		recs[i] = r
	}
	return recs, ids, nil
}

func TestDecodeRecordsRoundTrip(t *testing.T) {
	want := bulkSpans()
	text := encodeBulk(t, want)
	recs, ids, err := cache.DecodeRecords(text)
	if err != nil {
		t.Fatalf("DecodeRecords: %v", err)
	}
	res := map[string]*span.Resource{}
	for _, r := range want {
		if r.Span.Resource != nil {
			res[cache.ResourceID(r.Span.Resource)] = r.Span.Resource
		}
	}
	if got := cache.ResourceIDs(ids); !reflect.DeepEqual(got, []string{"r1"}) {
		t.Errorf("ResourceIDs = %q, want [r1]", got)
	}
	if err := cache.AttachResources(recs, ids, res); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("DecodeRecords:\n got %+v\nwant %+v", recs, want)
	}
	if err := cache.AttachResources(recs, ids, nil); err == nil || !strings.Contains(err.Error(), `resource "r1" is not stored`) {
		t.Errorf("AttachResources without the resource: %v", err)
	}
}

func TestDecodeRecordsMatchesEncodingJSON(t *testing.T) {
	good := string(encodeBulk(t, bulkSpans()[:1]))
	span0 := `"span":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"n","startTimeUnixNano":"1","endTimeUnixNano":"2"`
	for _, tc := range []struct{ name, text string }{
		{"encoded", good},
		{"empty", `[]`},
		{"null", `null`},
		{"spaces", " [ { \"seq\" : 3 , " + span0 + " , \"status\" : { } } } ] "},
		{"JSON.stringify numbers", `[{"seq":3,"start":1.7e+21,` + span0 + `,"attributes":[{"key":"d","value":{"doubleValue":1e+21}}]}}]`},
		{"int as number", `[{"seq":3,` + span0 + `,"attributes":[{"key":"i","value":{"intValue":42}}]}}]`},
		{"int not integral", `[{"seq":3,` + span0 + `,"attributes":[{"key":"i","value":{"intValue":"4.2"}}]}}]`},
		{"two value fields", `[{"seq":3,` + span0 + `,"attributes":[{"key":"i","value":{"intValue":"4","stringValue":"x"}}]}}]`},
		{"unknown value field", `[{"seq":3,` + span0 + `,"attributes":[{"key":"i","value":{"kvlistValue":{}}}]}}]`},
		{"null value field", `[{"seq":3,` + span0 + `,"attributes":[{"key":"i","value":{"stringValue":null}}]}}]`},
		{"key in another case", `[{"SEQ":3,` + span0 + `,"Name":"other"}}]`},
		{"unknown keys", `[{"seq":3,"extra":[1,{"a":true}],` + span0 + `,"more":"x"}}]`},
		{"escaped key", `[{"s\u0065q":3,` + span0 + `}}]`},
		{"no span", `[{"seq":3}]`},
		{"null span", `[{"seq":3,"span":null}]`},
		{"null record", `[null]`},
		{"bad start", `[{"seq":3,"span":{"startTimeUnixNano":1}}]`},
		{"negative seq", `[{"seq":-3,` + span0 + `}}]`},
		{"plus number", `[{"seq":+3,` + span0 + `}}]`},
		{"truncated", good[:len(good)/2]},
		{"trailing", good + `x`},
		{"invalid utf-8", "[{\"seq\":3," + span0 + ",\"attributes\":[{\"key\":\"\xff\",\"value\":{}}]}}]"},
		{"escapes", `[{"seq":3,` + span0 + `,"attributes":[{"key":"\u00e9\n\"","value":{"stringValue":"\ud83d\ude00"}}]}}]`},
	} {
		t.Run(tc.name, func(t *testing.T) { compareDecoders(t, []byte(tc.text)) })
	}
}

func compareDecoders(t *testing.T, text []byte) {
	t.Helper()
	got, gotIDs, gotErr := cache.DecodeRecords(text)
	want, wantIDs, wantErr := slowDecode(text)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("DecodeRecords(%q) error %v, encoding/json %v", text, gotErr, wantErr)
	}
	if gotErr != nil {
		if !strings.HasPrefix(gotErr.Error(), "cache: decode record") {
			t.Errorf("error %q names no step", gotErr)
		}
		return
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotIDs, wantIDs) {
		t.Errorf("DecodeRecords(%q):\n got %+v %q\nwant %+v %q", text, got, gotIDs, want, wantIDs)
	}
}

func FuzzDecodeRecords(f *testing.F) {
	f.Add(string(encodeBulk(f, bulkSpans())))
	f.Add(`[{"seq":3,"span":{"name":"x","attributes":[{"key":"i","value":{"intValue":42}}]}}]`)
	f.Fuzz(func(t *testing.T, text string) { compareDecoders(t, []byte(text)) })
}

func BenchmarkDecodeRecords1000(b *testing.B) {
	recs := make([]cache.Record, 1000)
	for i := range recs {
		recs[i] = bulkSpans()[0]
	}
	text := encodeBulk(b, recs)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := cache.DecodeRecords(text); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := slowDecode(text); err != nil {
				b.Fatal(err)
			}
		}
	})
}
