// Package valuectx has handlers whose goroutines hand the request's context to a data layer
// (package store). Where the store only reads the database handle out of the context, the
// handler's return cuts nothing short; where it attaches the context to a query or waits on it,
// the work stops when the handler returns.
package valuectx

import (
	"context"
	"log"
	"net/http"

	"go.opentelemetry.io/otel/metric"
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

// ---- metrics recorded after the handler returned ----

type metrics struct {
	calls   metric.Int64Counter
	latency metric.Float64Histogram
	queue   queueCounter
}

// queueCounter is the project's own interface with an Add of the same shape: what it does with
// the context is unknown.
type queueCounter interface {
	Add(ctx context.Context, n int64)
}

// record hands the context to OpenTelemetry's instruments only: they read the span and baggage
// out of it, and a cancelled context records the same.
func (m *metrics) record(ctx context.Context, status int) { // want record:`uses\(quiet=0\)`
	m.calls.Add(ctx, 1)
	m.latency.Record(ctx, float64(status))
}

func (m *metrics) proxyError(w http.ResponseWriter, r *http.Request) { // want proxyError:`uses\(writer=0\)`
	go func() {
		m.record(r.Context(), http.StatusBadGateway) // fine: metrics only read values
	}()
	w.WriteHeader(http.StatusBadGateway)
}

func (m *metrics) enqueueLater(w http.ResponseWriter, r *http.Request) { // want enqueueLater:`uses\(writer=0\)`
	go func() {
		m.queue.Add(r.Context(), 1) // want `goroutine passes r.Context\(\) to m.queue.Add but handler enqueueLater can return`
	}()
	w.WriteHeader(http.StatusAccepted)
}
