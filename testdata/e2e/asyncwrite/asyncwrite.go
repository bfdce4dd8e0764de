// Package asyncwrite is the end-to-end fixture of the asyncwrite analyzer: handlers whose
// goroutines outlive them, each beside the near miss that waits or copies first.
package asyncwrite

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

type Job struct {
	ID   string `json:"id"`
	Data []byte `json:"data"`
}

func process(ctx context.Context, j Job) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://worker.internal/jobs", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Submit answers 202 and then reports the outcome from a goroutine: after the handler returned.
func Submit(w http.ResponseWriter, r *http.Request) {
	var j Job
	if err := json.NewDecoder(r.Body).Decode(&j); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	go func() {
		if err := process(r.Context(), j); err != nil { // e2e:want asyncwrite
			fmt.Fprintf(w, "failed: %v\n", err) // e2e:want asyncwrite
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// SubmitDetached is the fixed Submit: the work has its own context and does not touch w.
func SubmitDetached(w http.ResponseWriter, r *http.Request) {
	var j Job
	if err := json.NewDecoder(r.Body).Decode(&j); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx := context.WithoutCancel(r.Context())
	go func() {
		if err := process(ctx, j); err != nil { // fine: detached from the request
			log.Printf("job %s: %v", j.ID, err)
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// Upload decodes the body in the background: the server closes it when Upload returns.
func Upload(w http.ResponseWriter, r *http.Request) {
	go func() {
		data, err := io.ReadAll(r.Body) // e2e:want asyncwrite
		if err == nil {
			log.Printf("received %d bytes", len(data))
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// Render builds the page in a goroutine and waits for it on every path.
func Render(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fmt.Fprintf(w, "<h1>%s</h1>\n", r.URL.Path) // fine: wg.Wait below runs on every path
	}()
	wg.Wait()
}

// WithTimeout is the hand-rolled timeout: on timeout the handler returns while next still writes.
func WithTimeout(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			next.ServeHTTP(w, r) // e2e:want asyncwrite
		}()
		select {
		case <-done:
		case <-time.After(d):
			http.Error(w, "timeout", http.StatusServiceUnavailable)
		}
	})
}
