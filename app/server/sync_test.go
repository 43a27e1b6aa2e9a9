package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderWorker serves /app-worker.js from a go-app handler whose template
// is AppWorker + WithBackgroundSync(cfg).
func renderWorker(t *testing.T, cfg SyncConfig) string {
	t.Helper()
	tmpl, err := AppWorker(app.DefaultAppWorkerJS)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl, err = WithBackgroundSync(tmpl, cfg); err != nil {
		t.Fatal(err)
	}
	assets, err := NewAssets(t.TempDir(), "v42")
	if err != nil {
		t.Fatal(err)
	}
	h := &app.Handler{Name: "T", Version: "v42", Resources: assets, ServiceWorkerTemplate: tmpl,
		Icon: app.Icon{Default: "/web/i.png", Large: "/web/i.png", SVG: "/web/i.svg"}}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app-worker.js", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /app-worker.js: %d", rec.Code)
	}
	return rec.Body.String()
}

var syncConfigRe = regexp.MustCompile(`(?m)^const spanfallSync = (.*);$`)

func TestWithBackgroundSyncRendersTheWorker(t *testing.T) {
	js := renderWorker(t, SyncConfig{ExportURL: "http://127.0.0.1:4318/v1/traces", Gzip: true, BatchSize: 100})
	if strings.Contains(js, "{{") {
		t.Errorf("a template placeholder is left in the worker: %q", js[strings.Index(js, "{{"):][:40])
	}
	for _, want := range []string{
		`const cacheName = "app-" + "v42"`, // go-app's own worker is still there
		`request.mode === "navigate"`,      // with AppWorker's offline fallback
		`self.addEventListener("sync"`,     // and the sync handler
		`navigator.locks.request(spanfallSync.lock`,
		`"/web/v42/i.png"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
	m := syncConfigRe.FindStringSubmatch(js)
	if m == nil {
		t.Fatal("no spanfallSync config line in the worker")
	}
	var conf struct {
		ExportURL    string `json:"exportURL"`
		Gzip         bool   `json:"gzip"`
		BatchSize    int    `json:"batchSize"`
		MaxBodyBytes int64  `json:"maxBodyBytes"`
		Tag, Lock    string
		DB           string `json:"db"`
		Schema       int    `json:"schema"`
	}
	if err := json.Unmarshal([]byte(m[1]), &conf); err != nil {
		t.Fatalf("config %s: %v", m[1], err)
	}
	if conf.ExportURL != "http://127.0.0.1:4318/v1/traces" || !conf.Gzip || conf.BatchSize != 100 || conf.MaxBodyBytes != 1<<20 ||
		conf.Tag != SyncTag || conf.Lock != SyncLock || conf.DB != SyncDatabase || conf.Schema != SyncSchema {
		t.Errorf("config %+v", conf)
	}

	// The whole worker is valid JavaScript (when node is here to say so).
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("node not found: JavaScript syntax not checked")
		return
	}
	file := filepath.Join(t.TempDir(), "app-worker.js")
	if err := os.WriteFile(file, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", file).CombinedOutput(); err != nil {
		t.Fatalf("node --check app-worker.js: %v\n%s", err, out)
	}
}

func TestWithBackgroundSyncDefaultsAndErrors(t *testing.T) {
	js := renderWorker(t, SyncConfig{})
	m := syncConfigRe.FindStringSubmatch(js)
	if m == nil || !strings.Contains(m[1], `"exportURL":"/v1/traces"`) || !strings.Contains(m[1], `"batchSize":512`) || !strings.Contains(m[1], `"gzip":false`) {
		t.Errorf("defaults: config %v", m)
	}
	// A hostile export URL stays a JSON string: no script or comment end.
	js = renderWorker(t, SyncConfig{ExportURL: "/v1/traces?x=</script>*/"})
	if strings.Contains(js, "</script>") || !strings.Contains(js, `"/v1/traces?x=\u003c/script\u003e*/"`) {
		t.Error("the export URL is not escaped in the worker")
	}

	base, err := AppWorker(app.DefaultAppWorkerJS)
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]SyncConfig{
		"relative path":   {ExportURL: "v1/traces"},
		"other scheme":    {ExportURL: "ftp://collector/v1/traces"},
		"no host":         {ExportURL: "http:///v1/traces"},
		"negative batch":  {BatchSize: -1},
		"negative budget": {MaxBodyBytes: -5},
	} {
		if _, err := WithBackgroundSync(base, cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	once, err := WithBackgroundSync(base, SyncConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WithBackgroundSync(once, SyncConfig{}); err == nil {
		t.Error("a second sync handler was added")
	}
}
