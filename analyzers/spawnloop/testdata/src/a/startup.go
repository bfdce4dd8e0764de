package a

import (
	"net"
	"net/http"
	"sync"
)

// Servers are the program's own components: ranging over them at start-up is bounded fan-out.
func serveAll(servers []*http.Server, lns []net.Listener) {
	for i, srv := range servers {
		go srv.Serve(lns[i])
	}
}

type Plugin interface{ Start() error }

func startPlugins(plugins map[string]Plugin) {
	for _, p := range plugins {
		go p.Start()
	}
}

type ScrapeConfig struct{ Targets []string }
type Config struct{ Scrape []ScrapeConfig }

// startScrapers ranges over configuration: as many goroutines as the operator configured.
func startScrapers(cfg *Config) {
	for _, sc := range cfg.Scrape {
		go scrape(sc)
	}
}

func scrape(ScrapeConfig) {}

// Resolver is one configured certificate resolver.
type Resolver struct{ Storage string }

// StaticConfiguration is the program's static configuration (a type named ...Configuration).
type StaticConfiguration struct{ Resolvers map[string]Resolver }

type certStore struct{ save chan []byte }

// newStore starts the store's save goroutine on every call.
func newStore(path string) *certStore { // want newStore:"spawns per call"
	s := &certStore{save: make(chan []byte)}
	go s.persist(path)
	return s
}

func (s *certStore) persist(string) {}

// initResolvers starts one store per configured resolver: the operator's configuration, not
// input. Near miss of IndexAll (items.go): the parameter's type is named ...Configuration.
func initResolvers(c *StaticConfiguration) []*certStore {
	var stores []*certStore
	for _, r := range c.Resolvers {
		stores = append(stores, newStore(r.Storage))
	}
	return stores
}

// Catalog is not configuration: its entries are data.
type Catalog struct{ Paths []string }

// openAll starts a store per path of a catalog the caller passes: unknown origin, silent by default.
func openAll(c *Catalog) []*certStore { // want openAll:"spawns per item of c"
	var stores []*certStore
	for _, p := range c.Paths {
		stores = append(stores, newStore(p)) // unknown origin: reported only with report-unknown-sources (package unknown)
	}
	return stores
}

// parallel runs the functions the caller lists: a slice of funcs is code, not data.
func parallel(fns []func()) {
	var wg sync.WaitGroup
	for _, f := range fns {
		wg.Go(f)
	}
	wg.Wait()
}

// each is variadic: callers list the arguments, so it is not reported.
func each(names ...string) {
	for _, n := range names {
		go send(n)
	}
}

// shards ranges over an array of constant length: bounded.
func shards(tables *[16]map[string]int) {
	for i := range tables {
		go func() { clear(tables[i]) }()
	}
}

// fanConst starts a constant, small number of goroutines.
func fanConst() {
	for i := 0; i < 4; i++ {
		go flush()
	}
	for range 3 {
		go flush()
	}
}

// fanLarge starts a constant but large number of goroutines at once: not reported by default, a
// constant is the program's choice, not input (max-constant-trips reports it, package acceptcfg).
func fanLarge() {
	for i := 0; i < 100000; i++ {
		go flush()
	}
}

type sendLoop struct{ url string }

func (s *sendLoop) loop() {}

// addSendLoops starts a long-lived send loop per endpoint it is given: a component per endpoint,
// not per-item work (the goroutine runs a method named loop).
func addSendLoops(urls []string) {
	for _, u := range urls {
		l := &sendLoop{url: u}
		go l.loop()
	}
}

// restartMembers restarts each cluster member it is given: fan-out over the deployment's
// topology, bounded by the cluster size.
func restartMembers(members []string, endpoints []string) {
	for _, m := range members {
		go send(m)
	}
	for _, e := range endpoints {
		go send(e)
	}
}

// Analyzer is a component described by a struct with a Run function field.
type Analyzer struct {
	Name string
	Run  func() error
}

// runAnalyzers runs the program's own analyzers concurrently: components, not data.
func runAnalyzers(analyzers []*Analyzer) {
	var wg sync.WaitGroup
	for _, a := range analyzers {
		wg.Go(func() { _ = a.Run() })
	}
	wg.Wait()
}

// drain starts one drainer per channel the program created: fan-in plumbing.
func drain(chans []chan int) {
	for _, ch := range chans {
		go func() {
			for range ch {
			}
		}()
	}
}

type proc struct{}

func (*proc) Kill() {}

// killAll stops processes in the background: teardown, not per-item work.
func killAll(procs []*proc) {
	for _, p := range procs {
		go p.Kill()
	}
}

// SrcDirs-style computed slices of a parameter are not followed; GetItems() getters are. The
// request type is exported, as API and protobuf request types are.
type ListRequest struct{ items []string }

func (r *ListRequest) GetItems() []string { return r.items }
func (r *ListRequest) Dirs() []string     { return nil }

func handleList(req *ListRequest) { // want handleList:"spawns per item of req"
	for _, it := range req.GetItems() {
		go send(it) // unknown origin: reported only with report-unknown-sources (package unknown)
	}
	for _, d := range req.Dirs() {
		go send(d)
	}
}

// eventEntity is the program's own state (an unexported struct of this package) built at start-up:
// the perf events activated for one CPU group.
type eventEntity struct{ activeEvents []string }

// readEntity ranges over a field of its parameter, but the parameter's type is internal state
// passed around like a receiver: not known to come from input. Near miss of handleList.
func readEntity(entity *eventEntity) {
	var wg sync.WaitGroup
	for _, ev := range entity.activeEvents {
		wg.Go(func() { send(ev) })
	}
	wg.Wait()
}

type sample struct{ v int }

// fanArray starts one goroutine per element of a large array of values: exactly 20000 items, a
// constant, not reported by default (see fanLarge).
func fanArray(samples *[20000]sample) {
	for i := range samples {
		go flushSample(samples[i])
	}
}

func flushSample(s sample) {}
