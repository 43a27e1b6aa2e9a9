package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/viewer"
)

// version is set at build time with -ldflags "-X main.version=…"; empty
// lets go-app derive one at start-up.
var version string

func main() {
	store := startBrowser() // nil on the server
	viewer.UseStore(store)
	app.Route("/", func() app.Composer { return &demo{} })
	app.Route("/lab", func() app.Composer { return &lab{} })
	app.Route("/viewer", func() app.Composer { return viewer.NewPage(store) })
	app.RunWhenOnBrowser()
	serve()
}
