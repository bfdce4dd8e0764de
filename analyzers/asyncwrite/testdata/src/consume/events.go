package consume

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

type Hub interface {
	Watch(ctx context.Context, topic string) error
}

// events is a server-sent-events handler: it keeps the connection until the client goes away,
// and the watch under the request's context ends with it. The handler returns only after the
// context is done, so nothing is cut short by its return.
func events(hub Hub, w http.ResponseWriter, r *http.Request) { // want events:`uses\(writer=1\)`
	go hub.Watch(r.Context(), r.URL.Query().Get("topic")) // fine: the handler returns only when the request is done
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
			fmt.Fprint(w, ": ping\n\n")
			w.(http.Flusher).Flush()
		}
	}
}

// eventsLimited is events' near miss: it also returns after a fixed lifetime, with the request
// still live, and the watch is cut short by that return.
func eventsLimited(hub Hub, w http.ResponseWriter, r *http.Request) { // want eventsLimited:`uses\(writer=1\)`
	go hub.Watch(r.Context(), r.URL.Query().Get("topic")) // want `goroutine passes r.Context\(\) to hub.Watch but handler eventsLimited can return`
	t := time.NewTicker(time.Second)
	defer t.Stop()
	limit := time.After(time.Hour)
	for {
		select {
		case <-r.Context().Done():
			return
		case <-limit:
			return
		case <-t.C:
			fmt.Fprint(w, ": ping\n\n")
		}
	}
}

// watchUntilGone parks until the client goes away; the goroutine's writes to w can still come
// after that, and are reported.
func watchUntilGone(w http.ResponseWriter, r *http.Request) { // want watchUntilGone:`uses\(writer=0\)`
	ctx := r.Context()
	go func() {
		for range time.Tick(time.Second) {
			fmt.Fprint(w, ": ping\n\n") // want `goroutine passes w to fmt.Fprint but handler watchUntilGone can return`
		}
	}()
	<-ctx.Done()
}
