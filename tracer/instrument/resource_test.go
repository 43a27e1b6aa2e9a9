package instrument

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
)

func TestResourceFilter(t *testing.T) {
	f := ResourceFilter{Exclude: []string{"http://127.0.0.1:8000/v1/traces"}, RequestsTraced: true}
	tests := []struct {
		e    ResourceTiming
		want bool
	}{
		{ResourceTiming{URL: "http://127.0.0.1:8000/app.css", InitiatorType: "link"}, true},
		{ResourceTiming{URL: "http://127.0.0.1:8000/web/icon.svg", InitiatorType: "img"}, true},
		{ResourceTiming{URL: "http://127.0.0.1:8000/v1/traces", InitiatorType: "beacon"}, false},
		{ResourceTiming{URL: "http://127.0.0.1:8000/api/demo", InitiatorType: "fetch"}, false},
		{ResourceTiming{URL: "http://127.0.0.1:8000/api/demo", InitiatorType: "xmlhttprequest"}, false},
		{ResourceTiming{}, false},
	}
	for _, tt := range tests {
		if got := f.Keep(tt.e); got != tt.want {
			t.Errorf("Keep(%s %s) = %v, want %v", tt.e.InitiatorType, tt.e.URL, got, tt.want)
		}
	}
	if !(ResourceFilter{}).Keep(ResourceTiming{URL: "http://a/x", InitiatorType: "fetch"}) {
		t.Error("fetch entries must be kept when requests are not traced")
	}
}

func TestRecordResource(t *testing.T) {
	tr, sr := newRecorder(t)
	origin := TimeOrigin(1_700_000_000_000)
	parentCtx, parent := tr.Start(context.Background(), "documentLoad")
	e := ResourceTiming{
		URL: "https://u:p@cdn.example/app.js?v=123", InitiatorType: "script", ResponseStatus: 200,
		TransferSize: 1300, EncodedBodySize: 1000, DecodedBodySize: 4000, NextHopProtocol: "h2",
		StartTime: 10, FetchStart: 10, DomainLookupStart: 11, DomainLookupEnd: 12, ConnectStart: 12,
		SecureConnectionStart: 13, ConnectEnd: 15, RequestStart: 15.5, ResponseStart: 20, ResponseEnd: 25.25,
	}
	sc := RecordResource(parentCtx, tr, &Policy{QueryKeys: []string{"v"}}, origin, e)
	parent.End()
	s := byName(t, sr, "resourceFetch")
	if !s.SpanContext().Equal(sc) || s.Parent().SpanID() != parent.SpanContext().SpanID() || s.SpanKind() != trace.SpanKindClient {
		t.Error("resource span is not a CLIENT child of the document load")
	}
	if !s.StartTime().Equal(origin.Time(10)) || !s.EndTime().Equal(time.Unix(1_700_000_000, 25_250_000)) {
		t.Errorf("times %v – %v", s.StartTime(), s.EndTime())
	}
	want := map[string]string{
		"url.full": "https://cdn.example/app.js?v=123", "server.address": "cdn.example", "server.port": "443",
		"spanfall.resource.initiator_type": "script", "http.response.body.size": "1000",
		"spanfall.resource.decoded_body_size": "4000", "http.response.size": "1300",
		"network.protocol.name": "http", "network.protocol.version": "2", "http.response.status_code": "200",
	}
	a := attrs(s)
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}
	var names []string
	for _, ev := range s.Events() {
		names = append(names, ev.Name)
	}
	wantEvents := []string{"fetchStart", "domainLookupStart", "domainLookupEnd", "connectStart", "secureConnectionStart", "connectEnd", "requestStart", "responseStart", "responseEnd"}
	if len(names) != len(wantEvents) {
		t.Fatalf("events %v, want %v (zero phases left out)", names, wantEvents)
	}
	for i := range names {
		if names[i] != wantEvents[i] {
			t.Errorf("event %d = %s, want %s", i, names[i], wantEvents[i])
		}
	}
	if got := s.Events()[6].Time; !got.Equal(time.Unix(1_700_000_000, 15_500_000)) {
		t.Errorf("requestStart at %v", got)
	}
}
