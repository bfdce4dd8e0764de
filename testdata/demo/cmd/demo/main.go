// Command demo is the small order service goroguard's README runs the suite on: an HTTP API
// (server), a batch renderer (worker), an ingest pipeline (pipeline) and a cgo image codec
// (imaging). Each package holds real goroutine lifecycle bugs next to their fixed versions;
// `go run ./cmd/goroguard ./testdata/demo/...` reports the former and stays silent on the latter.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/goroguard/goroguard/testdata/demo/pipeline"
	"github.com/goroguard/goroguard/testdata/demo/server"
	"github.com/goroguard/goroguard/testdata/demo/worker"
)

// memStore keeps orders in memory.
type memStore struct{}

func (memStore) Save(context.Context, server.Order) error   { return nil }
func (memStore) Stock(context.Context, string) (int, error) { return 10, nil }
func (logMailer) Send(_ context.Context, to, body string) error {
	log.Printf("mail to %s: %s", to, body)
	return nil
}
func (emptySource) Next(context.Context) (pipeline.Record, error) {
	return pipeline.Record{}, errors.New("no more records")
}

type (
	logMailer   struct{}
	emptySource struct{}
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	_, mux := server.New(memStore{}, logMailer{})
	renderer := &worker.Renderer{}
	mux.HandleFunc("POST /batch", renderer.ServeBatchBounded)

	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	go func() {
		if err := pipeline.Run(ctx, emptySource{}, 100); err != nil {
			log.Printf("pipeline: %v", err)
		}
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
