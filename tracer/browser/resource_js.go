//go:build js && wasm

package browser

import (
	"regexp"
	"syscall/js"

	"go.opentelemetry.io/otel/attribute"
)

var mobileUA = regexp.MustCompile(`Mobi|Android|iPhone|iPad`)

// ResourceAttributes describes the browser: user_agent.original,
// browser.language, browser.platform and browser.mobile (from
// navigator.userAgentData where the browser has it).
func ResourceAttributes() []attribute.KeyValue {
	nav := js.Global().Get("navigator")
	ua := stringOf(nav.Get("userAgent"))
	platform := stringOf(nav.Get("platform"))
	mobile := mobileUA.MatchString(ua)
	if uad := nav.Get("userAgentData"); uad.Truthy() {
		if p := stringOf(uad.Get("platform")); p != "" {
			platform = p
		}
		if m := uad.Get("mobile"); m.Type() == js.TypeBoolean {
			mobile = m.Bool()
		}
	}
	return []attribute.KeyValue{
		attribute.String("user_agent.original", ua),
		attribute.String("browser.language", stringOf(nav.Get("language"))),
		attribute.String("browser.platform", platform),
		attribute.Bool("browser.mobile", mobile),
	}
}

func stringOf(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
