// Package a is an HTTP service whose handlers start goroutines: the positives, each with the
// near miss beside it that asyncwrite must leave alone.
package a

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync"
	"time"
)

type Report struct {
	ID    string `json:"id"`
	Lines []string
}

type Store interface {
	Save(ctx context.Context, r Report) error
	Load(ctx context.Context, id string) (Report, error)
}

type Server struct {
	store Store
	mu    sync.Mutex
	done  chan struct{}
}

func slowRender(id string) Report {
	time.Sleep(10 * time.Millisecond)
	return Report{ID: id}
}

// report renders in the background and writes whenever it is done: after the handler returned.
func (s *Server) report(w http.ResponseWriter, r *http.Request) { // want report:`uses\(writer=0\)`
	id := r.URL.Query().Get("id")
	go func() {
		rep := slowRender(id)
		json.NewEncoder(w).Encode(rep) // want `goroutine passes w to json.NewEncoder but handler report can return without waiting for it: the response may already be finished \(`
	}()
	w.WriteHeader(http.StatusAccepted)
}

// reportWaited is the near miss: the handler waits for the render before returning.
func (s *Server) reportWaited(w http.ResponseWriter, r *http.Request) { // want reportWaited:`uses\(writer=0\)`
	id := r.URL.Query().Get("id")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rep := slowRender(id)
		json.NewEncoder(w).Encode(rep) // fine: wg.Wait below runs on every path
	}()
	wg.Wait()
}

// reportDeferWait waits in a defer, which covers the early return as well.
func (s *Server) reportDeferWait(w http.ResponseWriter, r *http.Request) { // want reportDeferWait:`uses\(writer=0\)`
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.Header().Set("X-Rendered", "1") // fine: the deferred wg.Wait covers every return
	}()
	if r.URL.Query().Get("fast") != "" {
		return
	}
	time.Sleep(time.Millisecond)
}

// reportEarlyReturn waits on the happy path only.
func (s *Server) reportEarlyReturn(w http.ResponseWriter, r *http.Request) { // want reportEarlyReturn:`uses\(writer=0\)`
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fmt.Fprintf(w, "progress: %d%%\n", 50) // want `goroutine passes w to fmt.Fprintf but handler reportEarlyReturn can return without waiting`
	}()
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	wg.Wait()
}

// stream hands results over a channel and waits for the goroutine to close it.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) { // want stream:`uses\(writer=0\)`
	lines := make(chan string)
	go func() {
		defer close(lines)
		for i := 0; i < 3; i++ {
			lines <- fmt.Sprint("line ", i)
		}
	}()
	for l := range lines { // fine: the goroutine only sends; the handler writes
		io.WriteString(w, l+"\n")
	}
}

// flush keeps an alias of the writer's Flusher and flushes from a ticker goroutine.
func (s *Server) flush(w http.ResponseWriter, r *http.Request) { // want flush:`uses\(writer=0\)`
	f, ok := w.(http.Flusher)
	if !ok {
		return
	}
	out := w
	go func() {
		for range time.Tick(time.Second) {
			f.Flush() // want `goroutine calls f.Flush but handler flush can return without waiting for it`
		}
	}()
	go func() {
		out.Write([]byte("keepalive\n")) // want `goroutine calls out.Write but handler flush can return`
	}()
	time.Sleep(5 * time.Second)
}

// copiedBefore copies what the goroutine needs out of w and r before it starts.
func (s *Server) copiedBefore(w http.ResponseWriter, r *http.Request) { // want copiedBefore:`uses\(writer=0\)`
	reqID := w.Header().Get("X-Request-Id")
	path, ua := r.URL.Path, r.UserAgent()
	go func() {
		log.Printf("%s %s %s", reqID, path, ua) // fine: only copies reach the goroutine
	}()
	go func() {
		log.Printf("%s from %s", r.URL.Path, r.RemoteAddr) // fine: URL and RemoteAddr stay valid
	}()
	w.WriteHeader(http.StatusNoContent)
}

// result receives the goroutine's result on every path.
func (s *Server) result(w http.ResponseWriter, r *http.Request) { // want result:`uses\(writer=0\)`
	errc := make(chan error, 1)
	go func() {
		_, err := io.WriteString(w, "hello\n")
		errc <- err // fine: the handler receives it below
	}()
	if err := <-errc; err != nil {
		log.Print(err)
	}
}

// gather starts one goroutine per part and receives one result per part: the receive loop waits
// for all of them, though the CFG alone cannot count the iterations.
func (s *Server) gather(w http.ResponseWriter, r *http.Request) { // want gather:`uses\(writer=0\)`
	parts := r.URL.Query()["part"]
	results := make(chan error)
	var mu sync.Mutex
	for _, p := range parts {
		go func() {
			mu.Lock()
			_, err := fmt.Fprintf(w, "%s\n", p) // fine: the loop below receives every result
			mu.Unlock()
			results <- err
		}()
	}
	for range parts {
		if err := <-results; err != nil {
			log.Print(err)
		}
	}
	for i := 0; i < len(parts); i++ {
		<-results // a second loop of the same shape (never reached in practice)
	}
}

// gatherEarly gives up on the first error without waiting for the rest.
func (s *Server) gatherEarly(w http.ResponseWriter, r *http.Request) { // want gatherEarly:`uses\(writer=0\)`
	parts := r.URL.Query()["part"]
	results := make(chan error, len(parts))
	for _, p := range parts {
		go func() {
			_, err := io.WriteString(w, p) // want `goroutine calls io.WriteString|goroutine passes w to io.WriteString`
			results <- err
		}()
	}
	for range parts {
		if err := <-results; err != nil {
			return
		}
	}
}

// timeoutMiddleware is the classic hand-rolled http.TimeoutHandler: on timeout it returns while
// next may still be writing to w.
func timeoutMiddleware(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		go func() {
			next.ServeHTTP(w, r) // want `goroutine passes w to next.ServeHTTP but the handler can return without waiting for it`
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(d):
			http.Error(w, "timeout", http.StatusGatewayTimeout)
		}
	})
}

// clientGone returns when the client goes away, leaving the writer goroutine behind.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request) { // want clientGone:`uses\(writer=0\)`
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Write([]byte("slow answer")) // want `goroutine calls w.Write but handler clientGone can return without waiting for it`
	}()
	select {
	case <-done:
	case <-r.Context().Done():
		return
	}
}

// waitField waits on a channel of the server: asyncwrite cannot tell who signals it and stays quiet.
func (s *Server) waitField(w http.ResponseWriter, r *http.Request) { // want waitField:`uses\(writer=0\)`
	go func() {
		s.notify()
		w.Write([]byte("ok")) // fine (cannot tell): the handler waits on s.done, which s.notify may close
	}()
	<-s.done
}

func (s *Server) notify() {}

// hijacked talks to the hijacked connection from the goroutine, not to w.
func (s *Server) hijacked(w http.ResponseWriter, r *http.Request) { // want hijacked:`uses\(writer=0\)`
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no hijack", http.StatusInternalServerError)
		return
	}
	conn, bufrw, err := hj.Hijack()
	if err != nil {
		return
	}
	go func() {
		defer conn.Close()
		bufrw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n") // fine: the connection is the handler's now
		bufrw.Flush()
	}()
}

// otherWriter writes to a buffer of its own from the goroutine.
func (s *Server) otherWriter(w http.ResponseWriter, r *http.Request) { // want otherWriter:`uses\(writer=0\)`
	logw := log.Writer()
	go func() {
		fmt.Fprintf(logw, "handled %s\n", r.URL.Path) // fine: not the response writer
	}()
	w.WriteHeader(http.StatusOK)
}

// Register wires handlers written as literals.
func Register(mux *http.ServeMux, s *Server) {
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		go func() {
			time.Sleep(time.Millisecond)
			w.Header().Set("X-Pong", "1") // want `goroutine calls w.Header but the handler can return without waiting for it`
		}()
	})
	mux.HandleFunc("/pong", func(w http.ResponseWriter, r *http.Request) {
		go func(w io.Writer) {
			fmt.Fprintln(w, "pong") // want `goroutine passes w to fmt.Fprintln`
		}(w)
	})
	mux.HandleFunc("/log", func(w http.ResponseWriter, r *http.Request) {
		go func(w io.Writer) {
			fmt.Fprintln(w, "pong") // fine: this w is the process log, not the response
		}(log.Writer())
	})
}

// startLogger is no handler: its goroutine writing to an io.Writer is none of asyncwrite's business.
func startLogger(w io.Writer) {
	go func() {
		fmt.Fprintln(w, "started")
	}()
}
