//go:build !js

package main

import (
	"cmp"
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/app/server"
	"github.com/spanfall/spanfall/cache"
)

// startBrowser has nothing to start on the server: there is no store.
func startBrowser() cache.Store { return nil }

func serve() {
	if len(os.Args) > 1 && os.Args[1] == "ship" {
		os.Exit(ship(os.Args[2:], os.Stdout, os.Stderr))
	}
	addr := net.JoinHostPort(cmp.Or(os.Getenv("HOST"), "127.0.0.1"), cmp.Or(os.Getenv("PORT"), "8000"))
	dataDir := cmp.Or(os.Getenv("SPANFALL_DATA"), "data")
	srv, err := server.New(server.Config{
		App:          handler(),
		OTLPEndpoint: os.Getenv("OTLP_ENDPOINT"),
		SinkPath:     filepath.Join(dataDir, "traces.jsonl"),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	hs := &http.Server{Addr: addr, Handler: srv, ReadHeaderTimeout: 10 * time.Second}
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

func handler() *app.Handler {
	env := map[string]string{}
	for _, k := range browserEnv {
		env[k] = os.Getenv(k)
	}
	if _, err := parseBrowserConfig(os.Getenv); err != nil {
		log.Fatal(err) // a bad setting must not silently fall back to defaults
	}
	return &app.Handler{
		Name:            "Spanfall",
		ShortName:       "Spanfall",
		Title:           "Spanfall",
		Description:     "Offline-first OpenTelemetry tracing for Go WebAssembly, with a local waterfall viewer.",
		BackgroundColor: "#11141b",
		ThemeColor:      "#1b1f2a",
		LoadingLabel:    "Loading Spanfall {progress}%",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-maskable-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles:  []string{"/web/spanfall.css"},
		Version: version,
		Env:     env,
	}
}
