// Package worker is a small batch-processing service: an HTTP endpoint that accepts a batch of
// thumbnails to render and a queue consumer. It shows spawnloop's findings next to the bounded
// versions of the same code.
package worker

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Task is one thumbnail to render.
type Task struct {
	ImageURL string `json:"image_url"`
	Width    int    `json:"width"`
}

// Batch is a request body: the client decides how many tasks it holds.
type Batch struct {
	Tasks []Task `json:"tasks"`
}

// Renderer renders thumbnails.
type Renderer struct {
	mu   sync.Mutex
	done int
}

func (r *Renderer) render(ctx context.Context, t Task) error {
	r.mu.Lock()
	r.done++
	r.mu.Unlock()
	return ctx.Err()
}

// ServeBatch decodes a batch and renders every task at once: a batch of 10^5 tasks starts 10^5
// goroutines, each holding its image in memory. (spawnloop reports the g.Go.)
func (r *Renderer) ServeBatch(w http.ResponseWriter, req *http.Request) {
	var b Batch
	if err := json.NewDecoder(req.Body).Decode(&b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	g, ctx := errgroup.WithContext(req.Context())
	for _, t := range b.Tasks {
		g.Go(func() error { return r.render(ctx, t) })
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// ServeBatchBounded is the fix: the same errgroup with a limit of GOMAXPROCS renders at most that
// many tasks at once. (not reported)
func (r *Renderer) ServeBatchBounded(w http.ResponseWriter, req *http.Request) {
	var b Batch
	if err := json.NewDecoder(req.Body).Decode(&b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	g, ctx := errgroup.WithContext(req.Context())
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, t := range b.Tasks {
		g.Go(func() error { return r.render(ctx, t) })
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// RenderAll renders the tasks of a batch its caller passes, one goroutine per task. (reported only
// with -spawnloop.report-unknown-sources: nothing here shows that the tasks come from input)
func (r *Renderer) RenderAll(ctx context.Context, tasks []Task) {
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = r.render(ctx, t)
		}()
	}
	wg.Wait()
}

// RenderAllBounded acquires a slot of a buffered channel before each go statement. (not reported)
func (r *Renderer) RenderAllBounded(ctx context.Context, tasks []Task) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, t := range tasks {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			_ = r.render(ctx, t)
		}()
	}
	wg.Wait()
}

// Consume renders every task that arrives on the queue in its own goroutine: a burst on the queue
// becomes a burst of goroutines. (reported only with -spawnloop.report-unknown-sources: nothing
// here shows what feeds the queue)
func (r *Renderer) Consume(ctx context.Context, queue <-chan Task) {
	for t := range queue {
		go func() { _ = r.render(ctx, t) }()
	}
}

// ConsumePool is the fix: a fixed pool of GOMAXPROCS workers reads the queue. (not reported)
func (r *Renderer) ConsumePool(ctx context.Context, queue <-chan Task) {
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for t := range queue {
				_ = r.render(ctx, t)
			}
		})
	}
	wg.Wait()
}
