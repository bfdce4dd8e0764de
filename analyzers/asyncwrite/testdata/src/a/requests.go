package a

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
)

type Event struct{ Name string }

type Auditor struct {
	sink chan Event
	url  string
}

// Record ships an event to the audit service: an HTTP request under ctx, real work that the
// context's cancellation cuts short.
func (a *Auditor) Record(ctx context.Context, ev Event) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"?ev="+ev.Name, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Offer hands an event to the sink and gives up when ctx ends: it uses ctx only to stop (a select
// on ctx.Done() beside the send), which is what the request context is for.
func (a *Auditor) Offer(ctx context.Context, ev Event) error {
	select {
	case a.sink <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// offerLate publishes in the background and stops when the client goes away: not reported.
func (a *Auditor) offerLate(w http.ResponseWriter, r *http.Request) { // want offerLate:`uses\(writer=0\)`
	ctx := r.Context()
	go a.Offer(ctx, Event{Name: "viewed"}) // fine: Offer only observes the cancellation
	go func() {
		for _, name := range []string{"a", "b"} {
			if ctx.Err() != nil { // fine: a cancellation check
				return
			}
			a.sink <- Event{Name: name}
		}
	}()
	go func() {
		<-ctx.Done()
		log.Print("client gone: ", context.Cause(ctx)) // fine: context.Cause reads why it ended
	}()
	w.WriteHeader(http.StatusOK)
}

// upload hands the body to a background decoder: the server closes it when the handler returns.
func upload(w http.ResponseWriter, r *http.Request) { // want upload:`uses\(writer=0 body=1\)`
	go func() {
		var ev Event
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil { // want `goroutine reads r.Body but handler upload can return without waiting for it: the server closes the request body`
			log.Print(err)
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// uploadRead reads the body first and hands the bytes over.
func uploadRead(w http.ResponseWriter, r *http.Request) { // want uploadRead:`uses\(writer=0 body=1\)`
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	go func() {
		var ev Event
		_ = json.Unmarshal(data, &ev) // fine: the body was read before the goroutine started
	}()
	w.WriteHeader(http.StatusAccepted)
}

// formLate reads the form only in the goroutine: that reads the body after the handler returned.
func formLate(w http.ResponseWriter, r *http.Request) { // want formLate:`uses\(writer=0 form=1\)`
	go func() {
		log.Print(r.FormValue("name")) // want `goroutine calls r.FormValue but handler formLate can return`
	}()
	w.WriteHeader(http.StatusAccepted)
}

// formParsed parsed the form first: the goroutine reads a filled map.
func formParsed(w http.ResponseWriter, r *http.Request) { // want formParsed:`uses\(writer=0 form=1\)`
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	go func() {
		log.Print(r.FormValue("name"), r.PostForm.Get("x")) // fine: ParseForm ran before the goroutine started
	}()
	w.WriteHeader(http.StatusAccepted)
}

// decodeEvent reads its request's body: go decodeEvent(r) reads it late.
func decodeEvent(r *http.Request) (Event, error) { // want decodeEvent:`uses\(body=0\)`
	var ev Event
	err := json.NewDecoder(r.Body).Decode(&ev)
	return ev, err
}

// logRequest reads only the URL.
func logRequest(r *http.Request) { log.Print(r.Method, r.URL) }

func ingest(w http.ResponseWriter, r *http.Request) { // want ingest:`uses\(writer=0 body=1\)`
	go decodeEvent(r) // want `goroutine runs decodeEvent with request r, which reads the request body \(decodeEvent reads r.Body\) but handler ingest can return`
	go logRequest(r)  // fine: logRequest reads no body
	w.WriteHeader(http.StatusAccepted)
}

// audit hands the request context to detached work: it is cancelled when the handler returns.
func (a *Auditor) audit(w http.ResponseWriter, r *http.Request) { // want audit:`uses\(writer=0\)`
	ctx := r.Context()
	go func() {
		if err := a.Record(ctx, Event{Name: "viewed"}); err != nil { // want `goroutine passes request-derived context ctx to a.Record but handler audit can return without waiting for it: the work is cut short \(`
			log.Print(err)
		}
	}()
	go a.Record(r.Context(), Event{Name: "viewed"}) // want `goroutine passes r.Context\(\) to a.Record but handler audit`
	w.WriteHeader(http.StatusOK)
}

// auditDetached detaches the context with context.WithoutCancel.
func (a *Auditor) auditDetached(w http.ResponseWriter, r *http.Request) { // want auditDetached:`uses\(writer=0\)`
	ctx := context.WithoutCancel(r.Context())
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = a.Record(ctx, Event{Name: "viewed"}) // fine: WithoutCancel cut the request's cancellation
	}()
	go a.Record(context.WithoutCancel(r.Context()), Event{Name: "x"}) // fine: detached
	w.WriteHeader(http.StatusOK)
}

// auditDerived derives a timeout from the request context inside the goroutine.
func (a *Auditor) auditDerived(w http.ResponseWriter, r *http.Request) { // want auditDerived:`uses\(writer=0\)`
	go func() {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		ctx = context.WithValue(ctx, "k", "v")
		_ = a.Record(ctx, Event{}) // want `goroutine passes request-derived context ctx to a.Record`
	}()
	w.WriteHeader(http.StatusOK)
}

// watch observes the request's cancellation, which is what it is for.
func watch(ctx context.Context, cancel func()) {
	<-ctx.Done()
	cancel()
}

type traceSpan struct{}

func spanFromContext(ctx context.Context) *traceSpan { return nil } // want spanFromContext:`uses\(quiet=0\)`

func (a *Auditor) watcher(w http.ResponseWriter, r *http.Request) { // want watcher:`uses\(writer=0\)`
	job, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watch(r.Context(), cancel) // fine: watch only waits for the cancellation
	go func() {
		<-r.Context().Done() // fine: a watcher, not work under the context
		cancel()
	}()
	closed := make(chan struct{})
	go func() {
		select {
		case <-closed:
			cancel()
		case <-r.Context().Done(): // fine: a watcher choosing between two events, no work to cut short
		}
	}()
	go func() {
		span := spanFromContext(r.Context())   // fine: values stay readable after cancellation
		log.Printf("%v %v", span, r.Context()) // fine: logged, not used
	}()
	_ = job
	go func() {
		select {
		case <-time.After(time.Minute):
			log.Print("remind the user")
		case <-r.Context().Done(): // fine: the goroutine uses the context only to stop; that is what it is for
		}
	}()
	w.WriteHeader(http.StatusOK)
}

// fanOut waits for its errgroup on the success path but returns early on a validation error:
// cancelling the abandoned work there is what the request context is for.
func (a *Auditor) fanOut(w http.ResponseWriter, r *http.Request) { // want fanOut:`uses\(writer=0\)`
	g, ctx := errgroup.WithContext(r.Context())
	g.Go(func() error {
		return a.Record(ctx, Event{Name: "one"}) // fine: the handler waits on the other path
	})
	g.Go(func() error {
		w.Header().Set("X-Recorded", "1") // want `goroutine calls w.Header but handler fanOut can return without waiting for it`
		return nil
	})
	if r.URL.Query().Get("id") == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
}

// fanOutWaited returns the group's Wait on every path.
func (a *Auditor) fanOutWaited(w http.ResponseWriter, r *http.Request) error { // want fanOutWaited:`uses\(writer=0\)`
	g, ctx := errgroup.WithContext(r.Context())
	for _, name := range []string{"a", "b"} {
		g.Go(func() error {
			return a.Record(ctx, Event{Name: name}) // fine: g.Wait is returned below
		})
	}
	w.WriteHeader(http.StatusOK)
	return g.Wait()
}

// upgrader stands for a websocket upgrader (gorilla's Upgrader.Upgrade(w, r, h)).
type upgrader struct{}

type wsConn struct{}

func (upgrader) Upgrade(w http.ResponseWriter, r *http.Request, h http.Header) (*wsConn, error) {
	return &wsConn{}, nil
}

func (*wsConn) ReadMessage() (int, []byte, error) { return 0, nil, nil }

// tapStream upgrades to a websocket and streams under the request context until the client
// goes: the handler returns when the connection ends, and the cancellation is the stream's
// teardown, not work cut short.
func (a *Auditor) tapStream(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader{}.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	go a.Record(r.Context(), Event{Name: "tap"}) // fine: the handler took over the connection
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

// tapNoUpgrade is the near miss: the same detached work without an upgrade is cut short when
// the handler returns.
func (a *Auditor) tapNoUpgrade(w http.ResponseWriter, r *http.Request) { // want tapNoUpgrade:`uses\(writer=0\)`
	go a.Record(r.Context(), Event{Name: "tap"}) // want `goroutine passes r.Context\(\) to a.Record but handler tapNoUpgrade can return`
	w.WriteHeader(http.StatusOK)
}
