package viewer

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
)

// How a [Panel] finds its store. The store is app-wide and opened by the
// app's main before any component exists, while a Panel is dropped into
// any component's body with no arguments. So the store travels the way
// go-app shares app-wide values: in the engine's state. A Panel opening
// with no store in the state posts StoreAction; the handler [UseStore]
// registered answers with the store; the Panel observes the state, so the
// order of these steps does not matter.
//
// This keeps the viewer package free of mutable globals (its tests run in
// parallel with their own stores), lets a test or a component set the
// store with [ProvideStore] on its own engine, and costs nothing until a
// Panel opens.

// StoreAction is the go-app action a Panel posts when it opens and finds
// no store in the state.
const StoreAction = "spanfall.viewer.store"

// storeState is the go-app state key holding the store.
const storeState = "spanfall.viewer.store"

// storeRef carries the store in go-app state, which hands values to
// observers by their exact type.
type storeRef struct{ Store cache.Store }

// UseStore registers, with go-app's app.Handle, the handler that gives
// store to every Panel of the app. Call it once in main, after opening
// the store and before app.RunWhenOnBrowser.
func UseStore(store cache.Store) {
	app.Handle(StoreAction, func(ctx app.Context, _ app.Action) { ProvideStore(ctx, store) })
}

// ProvideStore gives store to every Panel of the app from a component's
// context, for apps that open their store in a component.
func ProvideStore(ctx app.Context, store cache.Store) {
	ctx.SetState(storeState, storeRef{Store: store})
}
