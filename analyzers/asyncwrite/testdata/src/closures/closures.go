// Package closures exercises waits that go through closures (a helper returns a done function
// that waits for its goroutine; a handler keeps a local wait function and defers it) and the
// request's context reached through helpers, in the shapes of an object store's storage handlers.
package closures

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// keepAlive writes a filler byte every few seconds while the caller works, and the final status
// when the returned function is called. The returned function sends the result and then waits for
// the goroutine to close doneCh after its last write: calling it is waiting for the goroutine.
func keepAlive(w http.ResponseWriter, r *http.Request) func(error) { // want keepAlive:`uses\(writer=0\)`
	doneCh := make(chan error)
	ctx := r.Context()
	go func() {
		defer close(doneCh)
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.Write([]byte{32}) // want `goroutine calls w.Write but handler badPut \(through the wait function keepAlive returns, not called on every path\) can return without waiting for it: the response may already be finished`
			case err := <-doneCh:
				if err != nil {
					w.Write([]byte(err.Error()))
				}
				return
			case <-ctx.Done(): // fine: the context only stops the filler
				return
			}
		}
	}()
	return func(err error) {
		if doneCh == nil {
			return
		}
		doneCh <- err
		<-doneCh // wait for the goroutine's last write
		doneCh = nil
	}
}

type store struct{ data map[string][]byte }

func (s *store) put(ctx context.Context, key string, body io.Reader) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	s.data[key] = b
	return ctx.Err()
}

// put calls the done function on its only path: the goroutine is waited for.
func (s *store) putHandler(w http.ResponseWriter, r *http.Request) { // want putHandler:`uses\(writer=0 body=1\)`
	done := keepAlive(w, r)
	done(s.put(r.Context(), r.URL.Path, r.Body))
}

// Deferring the done function waits on every path, early returns included.
func (s *store) putDeferred(w http.ResponseWriter, r *http.Request) { // want putDeferred:`uses\(writer=0 body=1\)`
	done := keepAlive(w, r)
	var err error
	defer func() { done(err) }()
	if r.URL.Path == "" {
		err = errors.New("no key")
		return
	}
	err = s.put(r.Context(), r.URL.Path, r.Body)
}

// Calling the result at once waits too.
func (s *store) deleteHandler(w http.ResponseWriter, r *http.Request) { // want deleteHandler:`uses\(writer=0\)`
	keepAlive(w, r)(s.del(r.URL.Path))
}

func (s *store) del(key string) error { delete(s.data, key); return nil }

// The near miss that is not: on the validation error the handler returns without calling done,
// and the goroutine keeps writing filler bytes into a finished response.
func (s *store) badPut(w http.ResponseWriter, r *http.Request) { // want badPut:`uses\(writer=0 body=1\)`
	done := keepAlive(w, r)
	if r.ContentLength < 0 {
		http.Error(w, "length required", http.StatusLengthRequired)
		return
	}
	done(s.put(r.Context(), r.URL.Path, r.Body))
}

// notify returns a function that only signals the goroutine to stop; it does not wait for it.
func notify(w http.ResponseWriter, r *http.Request) (stop func()) { // want notify:`uses\(writer=0\)`
	quit := make(chan struct{})
	go func() {
		select {
		case <-quit:
		case <-time.After(time.Second):
		}
		w.Write([]byte("late")) // want `goroutine calls w.Write but handler notify can return without waiting for it`
	}()
	return func() { close(quit) }
}

// A local wait function, deferred: the goroutine is waited for on every path.
func localWait(w http.ResponseWriter, r *http.Request) { // want localWait:`uses\(writer=0\)`
	var wg sync.WaitGroup
	wait := func() { wg.Wait() }
	defer wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.Write([]byte("part")) // fine: wait() is deferred
	}()
	if r.URL.Path == "/" {
		return
	}
}

// Near miss: the local wait function is called on one path only.
func localWaitSomePaths(w http.ResponseWriter, r *http.Request) { // want localWaitSomePaths:`uses\(writer=0\)`
	done := make(chan struct{})
	wait := func() { <-done }
	go func() {
		defer close(done)
		w.Write([]byte("part")) // want `goroutine calls w.Write but handler localWaitSomePaths can return without waiting for it`
	}()
	if r.URL.Path == "/" {
		return
	}
	wait()
}

// audit does real work under the request's context: an HTTP call to the audit service.
func audit(r *http.Request, event string) error {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, "http://audit.internal/"+event, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// eventParams reads headers and, through audit, uses the request's context for work.
func eventParams(r *http.Request) map[string]string {
	m := map[string]string{"agent": r.UserAgent()}
	if err := audit(r, "params"); err != nil {
		m["audit"] = err.Error()
	}
	return m
}

// The message names what is used, and where: the request's context, in audit, not its body.
func restore(w http.ResponseWriter, r *http.Request) { // want restore:`uses\(writer=0\)`
	w.WriteHeader(http.StatusAccepted)
	go func() {
		_ = eventParams(r) // want `goroutine passes r to eventParams, which does work under the request's context \(audit passes r.Context\(\) to http.NewRequestWithContext\) but handler restore can return without waiting for it: the work is cut short`
	}()
}

// stillThere only checks whether the client is still there: cancellation, not work.
func stillThere(r *http.Request) bool { return r.Context().Err() == nil }

// Near miss: the goroutine reaches the request's context only to observe cancellation.
func poll(w http.ResponseWriter, r *http.Request) { // want poll:`uses\(writer=0\)`
	ch := make(chan int, 1)
	go func() {
		for i := 0; stillThere(r) && i < 10; i++ { // fine: only watches the cancellation
			select {
			case ch <- i:
			case <-r.Context().Done(): // fine: stops when the client goes away
				return
			}
		}
	}()
	w.WriteHeader(http.StatusOK)
}

// formName parses the form (reading the body when it was not parsed yet).
func formName(r *http.Request) string { return r.FormValue("name") } // want formName:`uses\(form=0\)`

// The message says the form is parsed, and where.
func greet(w http.ResponseWriter, r *http.Request) { // want greet:`uses\(writer=0 form=1\)`
	go func() {
		_ = formName(r) // want `goroutine passes r to formName, which parses the request's form from the body \(formName calls r.FormValue\) but handler greet can return`
	}()
	w.WriteHeader(http.StatusOK)
}

// Near miss: the handler parsed the form first, so the goroutine reads filled maps.
func greetParsed(w http.ResponseWriter, r *http.Request) { // want greetParsed:`uses\(writer=0 form=1\)`
	if err := r.ParseForm(); err != nil {
		return
	}
	go func() {
		_ = formName(r)     // fine: parsed before the goroutine started
		_ = r.Form.Get("x") // fine: a plain map
	}()
	w.WriteHeader(http.StatusOK)
}

// Near miss: logging with the request's context reads values out of it (trace ids); nothing is cut
// short when it is cancelled.
func logged(w http.ResponseWriter, r *http.Request) { // want logged:`uses\(writer=0\)`
	ctx := r.Context()
	go func() {
		slog.InfoContext(ctx, "request seen")            // fine: logging
		slog.Default().WarnContext(ctx, "still running") // fine: logging
	}()
	w.WriteHeader(http.StatusOK)
}
