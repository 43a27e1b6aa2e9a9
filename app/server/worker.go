package server

import (
	"errors"
	"strings"
)

// workerFetchFrom is go-app v10's service-worker fetch handler: cache, else
// network.
const workerFetchFrom = `async function fetchWithCache(request) {
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  return await fetch(request);
}`

// workerFetchTo adds one thing: a page navigation that neither the cache
// nor the network can answer (offline, any route but the cached "/", such
// as /viewer?trace=…) gets the cached app shell, whose wasm routes by the
// URL.
const workerFetchTo = `async function fetchWithCache(request) {
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  try {
    return await fetch(request);
  } catch (err) {
    if (request.mode === "navigate") {
      const shell = await caches.match("/");
      if (shell) {
        return shell;
      }
    }
    throw err;
  }
}`

// AppWorker returns go-app's service-worker template (app.DefaultAppWorkerJS)
// with an offline fallback to the app shell for every route. It fails when
// the template no longer has the fetch handler it patches (a go-app
// upgrade), rather than silently serving a worker without the fallback.
func AppWorker(goAppWorker string) (string, error) {
	if !strings.Contains(goAppWorker, workerFetchFrom) {
		return "", errors.New("server: go-app's service worker changed: its fetch handler is not the one AppWorker patches")
	}
	return strings.Replace(goAppWorker, workerFetchFrom, workerFetchTo, 1), nil
}
