// Package server is a small order service. Some of its handlers start goroutines that outlive
// the request; `go run ./cmd/goroguard ./testdata/demo/...` shows asyncwrite's findings on them.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Order is what a client submits.
type Order struct {
	ID    string   `json:"id"`
	Items []string `json:"items"`
}

// Store persists orders.
type Store interface {
	Save(ctx context.Context, o Order) error
	Stock(ctx context.Context, item string) (int, error)
}

// Mailer sends confirmations.
type Mailer interface {
	Send(ctx context.Context, to, body string) error
}

// Server serves the order API.
type Server struct {
	store  Store
	mailer Mailer
	mu     sync.Mutex
	recent []Order
}

// New returns a server with its routes.
func New(store Store, mailer Mailer) (*Server, *http.ServeMux) {
	s := &Server{store: store, mailer: mailer}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("GET /orders/{id}/stock", s.stock)
	mux.HandleFunc("GET /orders/{id}/stock/fixed", s.stockFixed)
	mux.HandleFunc("POST /orders/import", s.importOrders)
	mux.Handle("GET /report", withTimeout(http.HandlerFunc(s.report), 2*time.Second))
	return s, mux
}

// createOrder saves the order and sends the confirmation in the background, under the request's
// context: the mail is cancelled as soon as the response is sent. The status written from the
// goroutine lands after the handler returned.
func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var o Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := s.store.Save(r.Context(), o); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	go func() {
		if err := s.mailer.Send(r.Context(), "orders@example.com", "order "+o.ID); err != nil {
			log.Printf("confirmation for %s: %v", o.ID, err)
			w.Header().Set("X-Mail-Failed", "1")
		}
	}()
	w.WriteHeader(http.StatusCreated)
}

// stock asks the store for every item at once but gives up on the first missing item without
// waiting for the others, which are still writing their lines to w.
func (s *Server) stock(w http.ResponseWriter, r *http.Request) {
	items := r.URL.Query()["item"]
	errc := make(chan error, len(items))
	var mu sync.Mutex
	for _, item := range items {
		go func() {
			n, err := s.store.Stock(r.Context(), item)
			if err == nil {
				mu.Lock()
				fmt.Fprintf(w, "%s: %d\n", item, n)
				mu.Unlock()
			}
			errc <- err
		}()
	}
	for range items {
		if err := <-errc; err != nil {
			return
		}
	}
}

// stockFixed is stock done right: an errgroup under the request's context, waited for on every
// path; the writes happen in the handler.
func (s *Server) stockFixed(w http.ResponseWriter, r *http.Request) {
	items := r.URL.Query()["item"]
	counts := make([]int, len(items))
	g, ctx := errgroup.WithContext(r.Context())
	g.SetLimit(4)
	for i, item := range items {
		g.Go(func() error {
			n, err := s.store.Stock(ctx, item)
			counts[i] = n
			return err
		})
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for i, item := range items {
		fmt.Fprintf(w, "%s: %d\n", item, counts[i])
	}
}

// importOrders decodes the body in the background: by then the server has closed it.
func (s *Server) importOrders(w http.ResponseWriter, r *http.Request) {
	go func() {
		var orders []Order
		if err := json.NewDecoder(r.Body).Decode(&orders); err != nil {
			log.Printf("import: %v", err)
			return
		}
		s.mu.Lock()
		s.recent = append(s.recent, orders...)
		s.mu.Unlock()
	}()
	w.WriteHeader(http.StatusAccepted)
}

// report copies what it needs before starting the goroutine and detaches the context: fine.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.recent)
	s.mu.Unlock()
	ctx := context.WithoutCancel(r.Context())
	path := r.URL.Path
	go func() {
		if err := s.mailer.Send(ctx, "ops@example.com", fmt.Sprintf("%s: %d orders", path, n)); err != nil {
			log.Print(err)
		}
	}()
	fmt.Fprintf(w, "%d orders\n", n)
}

// withTimeout is a hand-rolled http.TimeoutHandler: on timeout it answers and returns while next
// is still writing to w.
func withTimeout(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			next.ServeHTTP(w, r)
		}()
		select {
		case <-done:
		case <-time.After(d):
			http.Error(w, errors.New("timeout").Error(), http.StatusServiceUnavailable)
		}
	})
}
