// Package input holds one positive per kind of input spawnloop recognises, each beside a near
// miss whose items do not come from input (or are bounded).
package input

import (
	"bufio"
	"context"
	"encoding/json"
	"go/build"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

func work(string) {}

// Lines of a request body, split: one goroutine per line the client sent.
func SplitBody(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(body), "\n") {
		go work(line) // want `go statement in range over split of text read by io.ReadAll\(r.Body\) starts one goroutine per item`
	}
}

// SplitEnv splits configuration (an environment variable the operator sets): not input. Near
// miss of SplitBody.
func SplitEnv() {
	for _, peer := range strings.Split(os.Getenv("PEERS"), ",") {
		go work(peer)
	}
}

// QueryIDs starts one goroutine per id of the query string.
func QueryIDs(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	for _, id := range r.URL.Query()["id"] {
		wg.Go(func() { work(id) }) // want `sync.WaitGroup.Go in range over query parameters r.URL.Query\(\)\["id"\] starts one goroutine per item`
	}
	wg.Wait()
}

// FormValues ranges over the form of the request.
func FormValues(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	for k := range r.Form {
		go work(k) // want `go statement in range over request form r.Form starts one goroutine per item`
	}
}

// QueryIDsBounded is the near miss of QueryIDs: a semaphore.
func QueryIDsBounded(w http.ResponseWriter, r *http.Request) {
	sem := make(chan struct{}, 4)
	for _, id := range r.URL.Query()["id"] {
		sem <- struct{}{}
		go func() { defer func() { <-sem }(); work(id) }()
	}
}

// Globbed files: one goroutine per file matching a pattern. A listing: silent by default (the
// positive is in package listings, analysed with report-unknown-sources).
func Globbed(pattern string) {
	files, _ := filepath.Glob(pattern)
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Go(func() { work(f) }) // a glob: only with report-unknown-sources (package listings)
	}
	wg.Wait()
}

// cleanLeftovers removes the program's own temporary files: the pattern's wildcard is written in
// the program, so the files are its own leftovers, not input. Near miss of Globbed.
func cleanLeftovers(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, ".write-check-*.tmp"))
	for _, f := range files {
		go work(f)
	}
}

// collected appends scanned lines one by one and then fans out over them.
func collected(in io.Reader) {
	var lines []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	for _, l := range lines {
		go work(l) // want `go statement in range over lines \(items collected from loop over lines scanned by sc.Scan\) starts one goroutine per item`
	}
}

// fixedAppend builds its list from literals: not input. Near miss of collected.
func fixedAppend(extra bool) {
	var names []string
	names = append(names, "a", "b")
	if extra {
		names = append(names, "c")
	}
	for _, n := range names {
		go work(n)
	}
}

// The srcimporter shape: an unexported function fans out over its parameter, and its caller passes
// the files go/build listed from a directory. The files of a package directory are a listing:
// silent by default (the positive is in package listings, analysed with report-unknown-sources).
type importer struct{ ctxt *build.Context }

func (p *importer) importDir(path, dir string) error {
	bp, err := p.ctxt.Import(path, dir, 0)
	if err != nil {
		return err
	}
	var filenames []string
	filenames = append(filenames, bp.GoFiles...)
	filenames = append(filenames, bp.CgoFiles...)
	p.parseFiles(bp.Dir, filenames)
	return nil
}

func (p *importer) parseFiles(dir string, filenames []string) { // want parseFiles:"spawns per item of filenames"
	var wg sync.WaitGroup
	wg.Add(len(filenames))
	for _, name := range filenames {
		go func() { // package files of a directory: only with report-unknown-sources (package listings)
			defer wg.Done()
			work(filepath.Join(dir, name))
		}()
	}
	wg.Wait()
}

// warmAll is the near miss of parseFiles: its only caller passes the program's own list (a field).
type cache struct{ keys []string }

func (c *cache) refresh() { c.warmAll(c.keys) }

func (c *cache) warmAll(keys []string) { // want warmAll:"spawns per item of keys"
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Go(func() { work(k) })
	}
	wg.Wait()
}

// jobSpec is decoded from a file by the package's own loader.
type jobSpec struct{ Tasks []string }

func loadSpec(path string) (*jobSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	spec := new(jobSpec)
	if err := json.Unmarshal(data, spec); err != nil {
		return nil, err
	}
	return spec, nil
}

// RunSpec fans out over the tasks its loader decoded from a file.
func RunSpec(path string) error {
	spec, err := loadSpec(path)
	if err != nil {
		return err
	}
	for _, t := range spec.Tasks {
		go work(t) // want `go statement in range over spec.Tasks from spec decoded from data returned by loadSpec starts one goroutine per item`
	}
	return nil
}

// newSpec builds the spec in code: near miss of loadSpec/RunSpec.
func newSpec() *jobSpec { return &jobSpec{Tasks: []string{"a", "b"}} }

func RunBuiltin() {
	for _, t := range newSpec().Tasks {
		go work(t)
	}
}

// A gRPC stream: Recv reads one message per call (the stream has RecvMsg).
type Item struct{ Name string }

type itemStream interface {
	Recv() (*Item, error)
	RecvMsg(m any) error
	Context() context.Context
}

func serveStream(s itemStream) error {
	for {
		it, err := s.Recv()
		if err != nil {
			return err
		}
		go work(it.Name) // not reported by default: a gRPC stream's peer paces its requests (package grpcstreams, report-unknown-sources)
	}
}

// serveStreamInOrder waits for each item's goroutine before reading the next: one at a time.
func serveStreamInOrder(s itemStream) error {
	for {
		it, err := s.Recv()
		if err != nil {
			return err
		}
		done := make(chan struct{})
		go func() { defer close(done); work(it.Name) }()
		<-done
	}
}

// A channel fed from input: a reader goroutine sends every scanned line on lines, the loop below
// spawns per line received.
func pipeline(r io.Reader) {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for l := range lines {
		go work(l) // want `go statement in range over channel lines fed by loop over lines scanned by sc.Scan at input.go:\d+ starts one goroutine per item`
	}
}

// pipelinePool reads the same channel with a fixed pool: near miss of pipeline.
func pipelinePool(r io.Reader) {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for l := range lines {
				work(l)
			}
		})
	}
	wg.Wait()
}

// A unary gRPC handler: the request message comes from the network.
type BatchRequest struct{ Items []string }

func (*BatchRequest) ProtoReflect() {}

type BatchReply struct{}

func (*BatchReply) ProtoReflect() {}

type server struct{}

func (s *server) Batch(ctx context.Context, req *BatchRequest) (*BatchReply, error) { // want Batch:"spawns per item of req"
	var wg sync.WaitGroup
	for _, it := range req.Items {
		wg.Go(func() { work(it) }) // silent by default: a gRPC request message's fields count only with report-unknown-sources
	}
	wg.Wait()
	return &BatchReply{}, nil
}

// Apply takes the same request type but is not a handler (no context, no reply): unknown origin.
func (s *server) Apply(req *BatchRequest) { // want Apply:"spawns per item of req"
	for _, it := range req.Items {
		go work(it)
	}
}

// The syncthing shape: a reader loop reads frames from the connection (through the package's own
// readMessage, which calls io.ReadFull) and sends them on the inbox field; the dispatcher starts
// one goroutine per request received.
type message struct{ name string }

type rawConn struct {
	r      io.Reader
	inbox  chan message
	events chan message
	closed chan struct{}
}

func (c *rawConn) readMessage(buf []byte) (message, error) {
	if _, err := io.ReadFull(c.r, buf); err != nil {
		return message{}, err
	}
	return message{name: string(buf)}, nil
}

func (c *rawConn) readerLoop() {
	buf := make([]byte, 4)
	for {
		msg, err := c.readMessage(buf)
		if err != nil {
			return
		}
		select {
		case c.inbox <- msg:
		case <-c.closed:
			return
		}
	}
}

func (c *rawConn) dispatcherLoop() {
	for {
		select {
		case msg := <-c.inbox:
			go work(msg.name) // want `go statement in receive loop on channel c.inbox fed by loop reading one item per c.readMessage call at input.go:\d+ starts one goroutine per item`
		case ev := <-c.events:
			go work(ev.name) // the events field is fed by the program itself (see emit): silent
		case <-c.closed:
			return
		}
	}
}

// emit sends the program's own events: the events channel is not fed from input.
func (c *rawConn) emit(names []string) {
	for _, n := range names {
		c.events <- message{name: n}
	}
}

// Configuration decoded from a file: the configured targets are the deployment's set. Near miss of
// RunSpec.
type NotifyConfig struct{ Targets []string }

func loadConfig(path string) (*NotifyConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := new(NotifyConfig)
	return cfg, json.Unmarshal(data, cfg)
}

func StartTargets(path string) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, t := range cfg.Targets {
		wg.Go(func() { work(t) })
	}
	wg.Wait()
	return nil
}
