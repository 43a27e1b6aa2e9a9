//go:build !js

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/app/server"
	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/browser"
)

// startBrowser has nothing to start on the server: there is no store.
func startBrowser() cache.Store { return nil }

func serve() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "ship":
			os.Exit(ship(os.Args[2:], os.Stdout, os.Stderr))
		case "precompress":
			os.Exit(precompress(os.Args[2:], os.Stderr))
		}
	}
	addr := net.JoinHostPort(cmp.Or(os.Getenv("HOST"), "127.0.0.1"), cmp.Or(os.Getenv("PORT"), "8000"))
	cfg, err := serverConfig(os.Getenv)
	if err != nil {
		log.Fatal(err) // a bad setting must not silently fall back to defaults
	}
	// Assets under versioned URLs (long-lived caching), with their
	// build-time .br/.gz copies when accepted; see docs/pwa.md.
	h, assets := handler()
	cfg.App = assets.Handler(h)
	cfg.InlineScripts = []string{browser.EarlyScript()} // allowed by hash in the CSP
	srv, err := server.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	hs := &http.Server{
		Addr:              addr,
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // headers and body: no slow uploads
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	log.Printf("spanfall: serving http://%s (%s)", addr, srv.Describe())
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// serverConfig reads the server's settings through getenv. Every bad
// value is reported, naming its variable (never the value of
// OTLP_HEADERS: it holds credentials).
func serverConfig(getenv func(string) string) (server.Config, error) {
	cfg := server.Config{
		OTLPEndpoint: getenv("OTLP_ENDPOINT"),
		SinkPath:     filepath.Join(cmp.Or(getenv("SPANFALL_DATA"), "data"), "traces.jsonl"),
		ExportURL:    getenv("SPANFALL_EXPORT_URL"),
		CORSOrigins:  splitList(getenv("SPANFALL_CORS_ORIGINS")),
	}
	var errs []error
	bad := func(k, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{k}, args...)...))
	}
	// num reads an integer that is positive, or -1 when allowUnlimited.
	num := func(k string, allowUnlimited bool) int64 {
		v := getenv(k)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n == 0 || n < -1 || (n == -1 && !allowUnlimited) {
			if allowUnlimited {
				bad(k, "%q: want a positive integer, or -1 for unlimited", v)
			} else {
				bad(k, "%q: want a positive integer", v)
			}
			return 0
		}
		return n
	}
	cfg.MaxBodyBytes = num("SPANFALL_MAX_BODY_BYTES", false)
	cfg.MaxDecodedBytes = num("SPANFALL_MAX_DECODED_BYTES", false)
	cfg.RateBurst = int(num("SPANFALL_RATE_BURST", false))
	cfg.MaxInFlight = int(num("SPANFALL_MAX_IN_FLIGHT", true))
	cfg.SinkMaxFileBytes = num("SPANFALL_SINK_MAX_FILE_BYTES", true)
	cfg.SinkKeepFiles = int(num("SPANFALL_SINK_KEEP_FILES", true))
	if v := getenv("SPANFALL_RATE_LIMIT"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		switch {
		case v == "off" || (err == nil && r == -1):
			cfg.RateLimit = -1
		case err != nil || r <= 0 || math.IsInf(r, 0) || math.IsNaN(r):
			bad("SPANFALL_RATE_LIMIT", "%q: want requests per second per client (a positive number), or off", v)
		default:
			cfg.RateLimit = r
		}
	}
	if v := getenv("OTLP_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad("OTLP_TIMEOUT", "%q: want a positive Go duration such as 10s", v)
		}
		cfg.UpstreamTimeout = max(d, 0)
	}
	for _, p := range splitList(getenv("SPANFALL_TRUSTED_PROXIES")) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				bad("SPANFALL_TRUSTED_PROXIES", "%q: want IP addresses or CIDR prefixes such as 10.0.0.0/8", p)
				continue
			}
			prefix = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, prefix.Masked())
	}
	headers, err := parseHeaders(getenv("OTLP_HEADERS"))
	if err != nil {
		bad("OTLP_HEADERS", "%v", err)
	}
	cfg.UpstreamHeaders = headers
	if err := errors.Join(errs...); err != nil {
		return cfg, fmt.Errorf("spanfall: configuration: %w", err)
	}
	return cfg, nil
}

// parseHeaders reads "k=v,k2=v2" with percent-encoded values, the format
// of OTEL_EXPORTER_OTLP_HEADERS. Errors never quote a value.
func parseHeaders(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	h := map[string]string{}
	for i, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("entry %d: want key=value", i+1)
		}
		v, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("header %s: value is not percent-encoded correctly", k)
		}
		h[k] = v
	}
	return h, nil
}

// splitList splits a comma-separated setting, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func handler() (*app.Handler, *server.Assets) {
	env := map[string]string{}
	for _, k := range append(browserEnv, instrumentEnv...) {
		env[k] = os.Getenv(k)
	}
	bcfg, err := parseBrowserConfig(os.Getenv)
	if err != nil {
		log.Fatal(err) // a bad setting must not silently fall back to defaults
	}
	version := appVersion(os.Getenv, version, time.Now())
	assets, err := server.NewAssets("web", version)
	if err != nil {
		log.Fatal(err)
	}
	icfg, err := parseInstrumentConfig(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	var head []string
	if icfg.Early {
		head = append(head, browser.EarlyScriptTag()) // docs/instrumentation.md
	}
	worker, err := server.AppWorker(app.DefaultAppWorkerJS)
	if err == nil {
		worker, err = server.WithBackgroundSync(worker, server.SyncConfig{ExportURL: bcfg.ExportURL, Gzip: !bcfg.NoGzip, BatchSize: bcfg.BatchSize})
	}
	if err != nil {
		log.Fatal(err)
	}
	return &app.Handler{
		ServiceWorkerTemplate: worker,
		Name:                  "Spanfall",
		ShortName:             "Spanfall",
		Title:                 "Spanfall",
		Description:           "Offline-first OpenTelemetry tracing for Go WebAssembly, with a local waterfall viewer.",
		BackgroundColor:       "#11141b",
		ThemeColor:            "#1b1f2a",
		LoadingLabel:          "Loading Spanfall {progress}%",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-maskable-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles:    []string{"/web/spanfall.css", "/web/viewer.css"},
		Version:   version,
		Resources: assets,
		Env:       env,
		// The early buffer: before any other script of the page.
		RawHeaders: head,
		// The loading screen counts decompressed bytes: give it the
		// decompressed size, whatever encoding the wasm is served in.
		WasmContentLength: wasmSize("web/app.wasm"),
	}, assets
}

// wasmSize returns the size of the built wasm, "" when it is missing.
func wasmSize(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return strconv.FormatInt(st.Size(), 10)
}
