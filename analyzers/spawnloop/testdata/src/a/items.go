// Package a holds spawnloop's main cases: per-item spawns over data the program does not bound,
// each beside a near miss that bounds it.
package a

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"
)

type Document struct {
	ID   string
	Body []byte
}

type Indexer struct {
	mu    sync.Mutex
	index map[string][]byte
	peers []string
}

func (x *Indexer) index1(d Document) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.index[d.ID] = d.Body
}

// IndexAll starts one goroutine per document the caller passes. The documents are a parameter of
// an exported function: where they come from is unknown here, so the loop is silent by default
// (package unknown has it under report-unknown-sources); callers that pass input are reported at
// the call through the fact.
func (x *Indexer) IndexAll(docs []Document) { // want IndexAll:"spawns per item of docs"
	var wg sync.WaitGroup
	for _, d := range docs {
		wg.Add(1)
		go func() { // unknown origin: reported only with report-unknown-sources (package unknown)
			defer wg.Done()
			x.index1(d)
		}()
	}
	wg.Wait()
}

// IndexAllBounded is the near miss: a buffered channel used as a semaphore is acquired before the
// go statement, so at most 8 goroutines exist.
func (x *Indexer) IndexAllBounded(docs []Document) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, d := range docs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			x.index1(d)
		}()
	}
	wg.Wait()
}

// IndexSequentially waits for each goroutine within the iteration: never more than one runs.
func (x *Indexer) IndexSequentially(docs []Document) {
	for _, d := range docs {
		done := make(chan struct{})
		go func() {
			defer close(done)
			x.index1(d)
		}()
		<-done
	}
}

// Gossip ranges over the indexer's own peers (its configured state, not input): not reported.
func (x *Indexer) Gossip() {
	for _, p := range x.peers {
		go send(p)
	}
}

func send(string) {}

type FetchRequest struct {
	URLs []string `json:"urls"`
}

// FetchAll fans out over the URLs of a request with an errgroup that has no limit. FetchRequest is
// not a protobuf message nor an *http.Request: its origin is unknown, silent by default.
func FetchAll(ctx context.Context, req *FetchRequest) error { // want FetchAll:"spawns per item of req"
	g, ctx := errgroup.WithContext(ctx)
	for _, u := range req.URLs {
		g.Go(func() error { // unknown origin: reported only with report-unknown-sources (package unknown)
			return fetch(ctx, u)
		})
	}
	return g.Wait()
}

// FetchAllLimited is the near miss: SetLimit bounds the group.
func FetchAllLimited(ctx context.Context, req *FetchRequest) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, u := range req.URLs {
		g.Go(func() error { return fetch(ctx, u) })
	}
	return g.Wait()
}

// fetchWith uses a group the caller made: the caller may have set a limit, so it is not reported.
func fetchWith(ctx context.Context, g *errgroup.Group, urls []string) {
	for _, u := range urls {
		g.Go(func() error { return fetch(ctx, u) })
	}
}

func fetch(ctx context.Context, u string) error { return nil }

type crawler struct {
	g *errgroup.Group
}

func newCrawler() *crawler {
	c := &crawler{g: new(errgroup.Group)}
	c.g.SetLimit(4) // the constructor bounds the field's group
	return c
}

// crawl spawns on a field group whose limit is set in the constructor: bounded.
func (c *crawler) crawl(ctx context.Context, urls []string) {
	for _, u := range urls {
		c.g.Go(func() error { return fetch(ctx, u) })
	}
}

// HandleBatch decodes a request body and starts one goroutine per item with sync.WaitGroup.Go.
func HandleBatch(w http.ResponseWriter, r *http.Request) {
	var batch struct {
		Items []Document `json:"items"`
	}
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var wg sync.WaitGroup
	for _, it := range batch.Items {
		wg.Go(func() { store(it) }) // want `sync.WaitGroup.Go in range over batch.Items decoded from r.Body starts one goroutine per item`
	}
	wg.Wait()
}

// HandleBatchLimited is the near miss of HandleBatch: an errgroup with SetLimit.
func HandleBatchLimited(w http.ResponseWriter, r *http.Request) {
	var batch struct {
		Items []Document `json:"items"`
	}
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		return
	}
	var g errgroup.Group
	g.SetLimit(8)
	for _, it := range batch.Items {
		g.Go(func() error { store(it); return nil })
	}
	_ = g.Wait()
}

// HandleBatchPooled is the near miss: a conc pool with a maximum.
func HandleBatchPooled(w http.ResponseWriter, r *http.Request) {
	var batch struct {
		Items []Document `json:"items"`
	}
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		return
	}
	p := pool.New().WithMaxGoroutines(8)
	for _, it := range batch.Items {
		p.Go(func() { store(it) })
	}
	p.Wait()
}

// HandleBatchUnpooled uses a conc pool without a maximum.
func HandleBatchUnpooled(r *http.Request) {
	var items []Document
	if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
		return
	}
	p := pool.New()
	for _, it := range items {
		p.Go(func() { store(it) }) // want `pool.Pool.Go on p in range over items decoded from r.Body starts one goroutine per item and p has no WithMaxGoroutines`
	}
	p.Wait()
}

func store(Document) {}

// CompressDir starts one goroutine per file of a directory listing. Silent by default: a
// directory's size is chosen by whoever fills it (the deployment, the user); the positive lives in
// package listings, analysed with report-unknown-sources.
func CompressDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, e := range entries {
		wg.Add(1)
		go func() { // directory listing: only with report-unknown-sources (package listings)
			defer wg.Done()
			compress(filepath.Join(dir, e.Name()))
		}()
	}
	wg.Wait()
	return nil
}

// CompressFiles uses the counted loop over a parameter's length: one goroutine per item of a
// parameter of unknown origin, silent by default.
func CompressFiles(paths []string) { // want CompressFiles:"spawns per item of paths"
	for i := 0; i < len(paths); i++ {
		go compress(paths[i]) // unknown origin: reported only with report-unknown-sources (package unknown)
	}
}

// CompressOne spawns and then leaves the loop: at most one goroutine.
func CompressOne(paths []string) {
	for _, p := range paths {
		if filepath.Ext(p) == ".log" {
			go compress(p)
			break
		}
	}
}

// CompressNames ranges over a fixed list written in the code: bounded.
func CompressNames(dir string) {
	for _, name := range []string{"access.log", "error.log", "audit.log"} {
		go compress(filepath.Join(dir, name))
	}
}

func compress(string) {}
