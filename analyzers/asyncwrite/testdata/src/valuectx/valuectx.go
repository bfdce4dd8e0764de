// Package valuectx has handlers whose goroutines hand the request's context to a data layer
// (package store). Where the store only reads the database handle out of the context, the
// handler's return cuts nothing short; where it attaches the context to a query or waits on it,
// the work stops when the handler returns.
package valuectx

import (
	"log"
	"net/http"

	"store"
)

func upgradeAll(w http.ResponseWriter, r *http.Request) { // want upgradeAll:`uses\(writer=0\)`
	go func() {
		hosts, err := (&store.Host{}).ListAll(r.Context()) // fine: ListAll only reads the handle
		if err != nil {
			log.Print(err)
			return
		}
		log.Print(len(hosts))
	}()
	w.WriteHeader(http.StatusAccepted)
}

func notify(w http.ResponseWriter, r *http.Request) { // want notify:`uses\(writer=0\)`
	ctx := r.Context()
	go func() {
		h := &store.Host{ID: r.URL.Query().Get("id")}
		_ = h.Get(ctx)                        // fine: Get and its helper only read the handle
		_ = h.Touch(ctx)                      // fine: Touch ignores its context
		_ = store.FromContext(ctx).Find(h.ID) // fine: a value extractor
	}()
	w.WriteHeader(http.StatusAccepted)
}

func saveLater(w http.ResponseWriter, r *http.Request) { // want saveLater:`uses\(writer=0\)`
	go func() {
		h := &store.Host{}
		_ = h.Save(r.Context()) // want `goroutine passes r.Context\(\) to h.Save but handler saveLater can return`
	}()
	w.WriteHeader(http.StatusAccepted)
}

func waitLater(w http.ResponseWriter, r *http.Request) { // want waitLater:`uses\(writer=0\)`
	go func() {
		_ = store.Scoped(r.Context()) // want `goroutine passes r.Context\(\) to store.Scoped but handler waitLater can return`
	}()
	w.WriteHeader(http.StatusAccepted)
}

func keepLater(w http.ResponseWriter, r *http.Request) { // want keepLater:`uses\(writer=0\)`
	go func() {
		db := store.Keep(r.Context(), 1) // want `goroutine passes r.Context\(\) to store.Keep but handler keepLater can return`
		_ = db.Find(nil)
	}()
	w.WriteHeader(http.StatusAccepted)
}
