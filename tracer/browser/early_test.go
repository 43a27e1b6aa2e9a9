package browser

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// TestEarlyScript checks what the page head gets: the script without
// comments, nothing that would end the <script> element early, and the
// CSP hash of exactly the inlined text.
func TestEarlyScript(t *testing.T) {
	s := EarlyScript()
	if !strings.Contains(s, "window.__spanfall_early") && !strings.Contains(s, "W.__spanfall_early") {
		t.Fatal("early script does not define __spanfall_early")
	}
	if strings.Contains(strings.ToLower(s), "</script") || strings.Contains(s, "<!--") {
		t.Error("early script contains text that breaks an inline <script> element")
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			t.Errorf("comment line left in the inlined script: %q", line)
		}
	}
	if tag := EarlyScriptTag(); tag != "<script>"+s+"</script>" {
		t.Errorf("EarlyScriptTag = %.60q…", tag)
	}
	sum := sha256.Sum256([]byte(s))
	if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; EarlyScriptHash() != want {
		t.Errorf("EarlyScriptHash = %s, want %s", EarlyScriptHash(), want)
	}
	if len(s) > 5000 {
		t.Errorf("early script is %d bytes: keep the page head small", len(s))
	}
	t.Logf("early script: %d bytes inlined (%d in source)", len(s), len(earlySource))
}
