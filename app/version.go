//go:build !js

package main

import (
	"crypto/sha1"
	"fmt"
	"time"
)

// appVersion returns the version the server gives go-app (Handler.Version:
// the service worker's cache key, what makes a deploy update the installed
// app) and the asset URLs (/web/VERSION/…): SPANFALL_VERSION when set (for
// tests and deploys that name their own versions), else the build's
// -ldflags "-X main.version=…" (make: git describe), else one derived from
// the start time, as go-app would, so that every start of an unversioned
// build counts as a new version.
func appVersion(getenv func(string) string, built string, now time.Time) string {
	if v := getenv("SPANFALL_VERSION"); v != "" {
		return v
	}
	if built != "" {
		return built
	}
	return fmt.Sprintf("%x", sha1.Sum([]byte(now.UTC().String())))[:16]
}
