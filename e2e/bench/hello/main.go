//go:build ignore

// A go-app hello world: the floor of any go-app app's wasm (go-app imports
// net/http). compare.mjs builds it as the Makefile builds web/app.wasm
// (GOOS=js GOARCH=wasm, -trimpath, -ldflags "-s -w") for figure 7:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o hello.wasm ./e2e/bench/hello/main.go
package main

import (
	"net/http"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

type hello struct{ app.Compo }

func (h *hello) Render() app.UI { return app.H1().Text("Hello, world") }

func main() {
	app.Route("/", func() app.Composer { return &hello{} })
	app.RunWhenOnBrowser()
	http.Handle("/", &app.Handler{Name: "Hello"})
	_ = http.ListenAndServe("127.0.0.1:8000", nil)
}
