package server

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestAppWorkerPatchesGoAppsWorker(t *testing.T) {
	js, err := AppWorker(app.DefaultAppWorkerJS)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js, `request.mode === "navigate"`) || !strings.Contains(js, `caches.match("/")`) {
		t.Fatal("the worker has no offline fallback to the app shell")
	}
	if strings.Count(js, "async function fetchWithCache") != 1 {
		t.Fatal("the fetch handler is not replaced exactly once")
	}
	if _, err := AppWorker("self.addEventListener('fetch', () => {})"); err == nil {
		t.Fatal("an unknown worker must be refused, not served without the fallback")
	}
}
