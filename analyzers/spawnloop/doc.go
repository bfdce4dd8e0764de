// Package spawnloop defines an Analyzer that reports unbounded goroutine spawning in loops.
//
// # Analyzer spawnloop
//
// spawnloop: reports loops that start one goroutine per item of input the program does not bound
//
// A loop that starts a goroutine for every item of a request, a query result, a directory listing
// or a channel starts as many goroutines as the input has items, all at once: memory and scheduler
// load grow with the input, and a large input (or a hostile one) exhausts the process. Worker pools
// and bounded fan-out are legitimate, and a check that flags every go statement in a loop is noise,
// so spawnloop reports a spawn only when the loop's data source is known to be unbounded and no
// bound is in force.
//
// A spawn is a go statement, (*errgroup.Group).Go on a group with no SetLimit, (*sync.WaitGroup).Go,
// or another spawning method of the suite's table (conc pools without WithMaxGoroutines); see
// internal/spawn.
//
// # Input sources
//
// spawnloop reports a per-item spawn only when the number of items demonstrably follows input.
// The innermost enclosing loop of the spawn (loops with a small constant trip count are skipped in
// favour of the loop around them) is classified by where its items come from. These are input
// (the tables are in tables.go):
//
//   - decoded data: a local filled by json/xml/gob/yaml/proto/msgpack/rlp Unmarshal or a Decode
//     method (json.NewDecoder(r.Body).Decode(&v), and any method with the decoder signature
//     Decode(v any) error): "range over batch.Items decoded from r.Body".
//   - listings, only with report-unknown-sources: os.ReadDir, ioutil.ReadDir, fs.ReadDir,
//     (*os.File).ReadDir/Readdir/Readdirnames, filepath.Glob and fs.Glob with a pattern that is not
//     written in the program, go/build Import/ImportDir and the file lists of go/build and
//     go/packages packages (bp.GoFiles). The size of a directory is chosen by whoever fills it,
//     usually the deployment or the user (installed extensions, a store's channel directories): on
//     the held-out runs neither of the two such findings was wanted. csv ReadAll stays input.
//     Listing queries of another process (a method named List, List... or ...List whose first
//     argument is a context.Context: client.ContainerList(ctx, opts).Items, pods.List(ctx, opts))
//     count only with report-unknown-sources too: on the first held-out run (issue 10) every such
//     finding was fan-out over cluster state (pods, namespaces, images) whose size the deployment
//     decides.
//   - cursors: for sc.Scan() over a bufio.Scanner, for rows.Next() over sql (pgx, sqlx) rows, for
//     dec.More(): "loop over lines scanned by sc.Scan".
//   - read loops: an endless or conditional loop that reads one item before the spawn: dec.Decode,
//     http.ReadRequest, bufio.Reader ReadString/ReadBytes/ReadLine, textproto ReadLine, csv Read,
//     io.ReadFull, binary.Read, websocket ReadMessage/ReadJSON, p2p
//     ReadMsg, kafka/NATS/redis consumers' read methods, or a function of the package that makes
//     one of these calls (c.readMessage(buf) reading a frame): "loop reading one item per
//     dec.Decode call". Recv on a gRPC stream (a receiver with a RecvMsg method) counts only with
//     report-unknown-sources: its peer is another component of the same system, and on the
//     held-out runs it always paced its requests (a scheduler, query frontend or control plane
//     that sends the next request only after the reply to the last: 0 of 10 findings wanted).
//   - messages from a network consumer: channels returned by consumer and subscription APIs
//     (sarama Messages, amqp Consume, redis PubSub.Channel, minio-go ListObjects), and any channel
//     (local variable or field) that the package feeds with a send inside a loop over input: "receive
//     loop on channel c.inbox fed by loop reading one item per c.readMessage call at conn.go:120".
//   - text of input cut into items: strings/bytes Split, SplitN, SplitAfter, Fields, FieldsFunc of
//     text read by io.ReadAll or os.ReadFile, a scanned or read line, or a request parameter.
//     strings.Split(os.Getenv("PEERS"), ",") is configuration and not input.
//   - request parameters: r.URL.Query(), r.Form, r.PostForm, r.Header, r.Trailer, r.MultipartForm,
//     r.Cookies() of an *http.Request. The repeated fields of a unary gRPC handler's request
//     message (a method (ctx, *Req) (*Resp, error) whose request and reply are protobuf
//     messages) count only with report-unknown-sources: they are usually a handful of keys the
//     client wrote by hand.
//
// Values are followed to where they come from: local variables to their definitions (through
// copies such as slices.Clone, slices.Sorted(maps.Keys(m)), conversions, iterator adapters, and
// appends: a local built by append(v, xs...) of input, or by append(v, x) inside a loop over input,
// is input); a call to a function of the package to its return statements (cfg := loadSpec(path)
// returns what it decoded); and the parameter of an unexported function to its call sites in the
// package: if a caller passes input, the loop is reported and the message names the caller
// ("range over parameter filenames (ImportFrom passes package files bp.GoFiles at
// srcimporter.go:112)"). A call site that passes a batch it cut (items[i:j], with an upper bound
// other than the length) or that runs only under a condition on the argument's length
// (if len(entries) < max { f(entries) }) does not count.
//
// Not input, and silent by default: a parameter of an exported function, a parameter of an
// unexported function no caller shows to be input, the receiver's fields, package variables and
// channels nobody in the package is seen to feed from input. Those are the deployment's sets as
// often as they are data (the cluster's nodes and lock servers, configured targets, server pools,
// providers, schedulers, a job's templates): their size is not known to follow input. The option
// report-unknown-sources reports them as earlier versions did (see Flags).
//
// A function that spawns per item of its parameter records that in a fact (below): a caller that
// passes input to it, in another package or to an exported function, is reported at the call
// ("call to Forward passes events decoded from data as its parameter batch, and Forward starts one
// goroutine per item of it ...").
//
// WRONG:
//
//	func (x *Indexer) ServeIndex(w http.ResponseWriter, r *http.Request) {
//		var docs []Document
//		if err := json.NewDecoder(r.Body).Decode(&docs); err != nil {
//			return
//		}
//		var wg sync.WaitGroup
//		for _, d := range docs {
//			wg.Go(func() { x.index(r.Context(), d) }) // one goroutine per document the client sent
//		}
//		wg.Wait()
//	}
//
// RIGHT:
//
//	func (x *Indexer) ServeIndex(w http.ResponseWriter, r *http.Request) {
//		var docs []Document
//		if err := json.NewDecoder(r.Body).Decode(&docs); err != nil {
//			return
//		}
//		g, ctx := errgroup.WithContext(r.Context())
//		g.SetLimit(runtime.GOMAXPROCS(0))
//		for _, d := range docs {
//			g.Go(func() error { return x.index(ctx, d) })
//		}
//		_ = g.Wait()
//	}
//
// # Bounded patterns (not reported)
//
//   - A limiter acquired in the iteration before the spawn: a send on a channel of struct{}, bool
//     or integers (sem <- struct{}{}), a send on any channel the goroutine receives from, a receive
//     from a channel the goroutine sends back to (a token bucket), semaphore.Weighted.Acquire or
//     TryAcquire, rate.Limiter.Wait, and any method named Acquire/TryAcquire/AcquireContext.
//   - An acquire/release pair on one object: the iteration calls a method on lim before the spawn
//     and the goroutine calls lim.Release or lim.Give (lim.TakeWithContext(ctx, n) ... defer
//     lim.Give(n), a byte-weighted limiter). wg.Add(1) ... defer wg.Done() is not a limit.
//   - A goroutine that itself acquires a limiter (sends and receives on the same channel, or calls
//     a limiter method): the work is bounded (see Known limits).
//   - errgroup.Group.Go on a group with SetLimit(n) (n not a negative constant) anywhere in the
//     function, or for a field or package variable anywhere in the package (the constructor); a
//     conc pool built with WithMaxGoroutines. A group that comes from a parameter or from a
//     factory function may be limited by its maker and is not reported.
//   - Worker-pool creation: counted loops whose count is a variable, a call or runtime.GOMAXPROCS /
//     runtime.NumCPU (for i := 0; i < n; i++, for range n, for i := range workers): the program
//     chose the number of goroutines.
//   - Constant trip counts, arrays (and pointers to arrays) of constant length, composite
//     literals: a constant is the program's choice, not input (max-constant-trips reports those
//     above a threshold).
//   - Start-up fan-out over the program's own components. Precisely: the element type (after
//     pointers) is a function type, net.Listener, net.PacketConn, *http.Server, *grpc.Server, a
//     named type whose name ends in Server, Listener, Service, Component, Runnable, Runner, Plugin,
//     Module, Manager, Controller, Subsystem, Worker, Daemon, Handler, Hook or Exporter, or a type
//     with a Start, Run, Serve, ListenAndServe or Shutdown method or function field (a struct
//     like analysis.Analyzer), or a channel type (one drainer per channel the program made), or a
//     struct describing a network node (a Host, Hostname, ...Addr or ...Address field and a ...Port
//     field: one stats query per node of the cluster); or the ranged parameter's type is named
//     ...Config, ...Configuration, ...Conf, ...Cfg, ...Options, ...Opts, ...Settings or ...Flags (or
//     is a slice of such); or the parameter belongs to a function named main, init, Start, Run, Serve,
//     Init, Setup or Bootstrap (lower-case start, run, serve, setup too); or the ranged
//     parameter's last name (hosts, req.Endpoints, c.GetPeers()) contains member, endpoint, host,
//     peer, replica, broker, addr, server or cluster: fan-out over a cluster's topology.
//   - Variadic parameters (each(a, b, c)): callers list the arguments.
//   - Ranging over the receiver's fields, package-level variables, or local variables with several
//     definitions or built by append: their size is not known to come from input.
//   - Channels of signals: struct{}, bool, error, time.Time (tickers), os.Signal, and range or
//     select cases that do not bind the received value: periodic work, not fan-out.
//   - Accept loops (an Accept, AcceptTCP, AcceptUnix or AcceptStream method called before the
//     spawn), unless report-accept-loops is set: one goroutine per connection is the standard
//     server shape, and the listener's backlog and the OS bound it. A loop that receives net.Conn
//     (or *net.TCPConn, *net.UnixConn, *tls.Conn) values from a channel is an accept loop too, and
//     so is one that receives any type with Read, Write, Close and RemoteAddr methods (a wrapper
//     embedding a connection) or a struct with a field of such a type (a handshake's result).
//     A loop that reads a datagram (ReadFrom, ReadFromUDP, ReadMsgUDP) and spawns per packet is
//     the datagram form of an accept loop.
//   - A wait within the same iteration after the spawn: a Wait method call (wg.Wait, g.Wait), a
//     receive, a select without default, a range over a channel, including in a deferred function
//     literal. The goroutines then run one iteration at a time.
//   - A return, panic or break of the loop right after the spawn: the loop starts at most one.
//   - An in-flight counter compared against a maximum: a condition of an if or for before the
//     spawn in the iteration, or of an if around the spawn, compares a counter with <, <=, >, >=
//     or == (not against 0 or 1), and the code changes that counter: n++, n--, n += k,
//     atomic.AddInt32(&n, 1), n.Add(-1), or for len(m) an insertion or delete; in the function for
//     locals, anywhere in the package for fields. `if atomic.LoadInt32(&s.inflight) >= s.max {
//     continue }`, `for s.n >= s.max { cond.Wait() }`, `if p.workers < p.maxWorkers { p.workers++;
//     go p.worker(item) }`.
//   - Batches: the loop ranges over a sub-slice with an upper bound (events[i:min(i+64, n)]), or a
//     variable defined as one, and the enclosing loop waits after it (wg.Wait() per batch). A call
//     that passes such a batch to a per-item spawner is not a nested fan-out, and a caller that
//     passes one is not a source of input (see above).
//   - One at a time: before the spawn, the iteration stops or waits for the goroutine the previous
//     iteration started: it calls a cancel function or a Cancel, Stop, Close, Kill, Wait, Abort or
//     Shutdown method of a variable or field the loop body reassigns (cancel(); ctx, cancel =
//     context.WithCancel(ctx); go watch(ctx, line)), closes such a channel, or receives from such a
//     channel or from one the goroutine sends on or closes (the previous result). A handle kept per
//     key in a map (procs[m.ID].Kill()) is not one: the keys come from the input.
//   - One read loop per connection: a goroutine per accepted connection, or per received value
//     that carries a connection (a struct with a net.Conn field: a peer), is an accept loop,
//     governed by report-accept-loops.
//   - A long-lived goroutine per item: the goroutine runs a function or method named run, loop,
//     serve, start, listen, listenAndServe or mainLoop (any case of the first letter), a name
//     starting with serve, or ending in Loop, loop or Forever (for a function literal: any call
//     among its top-level statements). Such a goroutine is a component per configured endpoint
//     or registered subscriber (go sendLoop.loop(), go w.serveSubstream(ws)), which the program
//     sizes, not per-item work. Besides names, a function or method of the same package whose body
//     has, among its top-level statements, an endless for loop with a select at its top level
//     (for { select { ... } }) is an event loop and long-lived: one consumer per topic, a router
//     per subscription. So is a goroutine (function literal or same-package function) whose body
//     ranges over a channel field at its top level (for m := range unit.src): a drainer per
//     pipeline stage or subscription. Draining a local channel (for r := range wc) is per-item work.
//   - A blocking receive before the spawn from a channel other than the one the items come from:
//     a statement `<-pool`, `tok := <-pool`, a select without default whose cases all receive
//     from such channels or leave the iteration (case <-ctx.Done(): return), or a select case
//     `case tok := <-pool:` whose body spawns. The loop starts goroutines no faster than that
//     channel yields values: a token pool, whoever puts the tokens back (the goroutine, or a named
//     function it calls), a pool of workers or buffers, a ticker. The receive must be on the path
//     to the spawn (not under an if that can skip it); a receive from ctx.Done() (any Done() call)
//     or from a channel the package closes does not count (a closed channel never blocks).
//     RIGHT: `for _, c := range channels { <-poolCh; wg.Add(1); go fs.recoverOneChannel(c, ctx) }`
//     where recoverOneChannel ends with `ctx.poolCh <- struct{}{}`.
//   - One spawn per distinct key: the spawn is inside an if whose condition holds only for a key
//     not yet in a map (if _, ok := m[k]; !ok, if v, ok := m[k]; !ok || v.IsClosed() with the if
//     storing m[k] anew, if m[k] == nil, if !seen[k], if _, loaded := sm.LoadOrStore(k, v);
//     !loaded), or after an if that continues when the key is present, and the loop (or a
//     function of the package it calls) stores keys in that map (m[k] = v, Store, LoadOrStore, Set,
//     SetIfAbsent, Put). A check-and-record predicate of the package counts as such a test: a
//     function returning bool that returns false on some path and both reads and assigns the same
//     field or map (if p.URL == c.lastPingURL { return false }; c.lastPingURL = p.URL; return
//     true). The goroutines follow the distinct keys (one per remote address, like one per
//     connection), not the items. A local map made inside the loop body deduplicates nothing.
//     RIGHT: `fc, exist := l.fakeConns[key]; if !exist || fc.IsClosed() { fc = NewFakeUDPConn(l,
//     addr); l.fakeConns[key] = fc }` in a UDP read loop (NewFakeUDPConn starts an idle watchdog).
//   - A registry of per-entity goroutines: before the spawn the iteration reads a map field
//     (_, found := l.tailing[c.ID]), skips registered items with continue, and stores the item in
//     the same map field (l.tailing[c.ID] = cancel). At most one goroutine runs per distinct key
//     (one log tailer per container, one consumer per topic).
//   - A field of a parameter whose type is an unexported struct of the same package
//     (entity *eventEntity, entity.activeEvents): the program's own state passed around, like a
//     receiver's field. Exported parameter types (API and protobuf requests) are data. Accept loops with report-accept-loops set are reported anyway.
//     Likewise a goroutine that runs a Kill, Close, Stop, Cancel or Shutdown method is teardown.
//
// # Across calls
//
// spawnloop exports a fact on functions (`spawns per call`, `spawns per item of p`):
//
//   - spawns per call: the function's body unconditionally (not under an if, switch, select or
//     loop, with no return before it) starts a goroutine with a go statement, or calls a function
//     that spawns per call, and does not wait after it (a wait as above, or a send on / close of a
//     channel the goroutine receives from: a watchdog told to finish). A start-once function
//     guarded by a flag is therefore not marked, nor one whose goroutine takes a limiter slot
//     itself (a throttled executor: select { case t.limit <- struct{}{}: ... }). The goroutines
//     must outlive the call: a function that waits for them before it returns is not marked,
//     whether it waits after the spawn (wg.Wait(), g.Wait(), a receive), defers the wait (defer
//     wg.Wait() among its top-level statements), or drains the channel a spawning callee returns in
//     the same statement (for item := range m.IterBuffered() { ... }, v := <-f()). This holds at
//     the producer, so the fact never crosses a package boundary for such a function
//     (concurrent-map's Items, which ranges over IterBuffered until its fan-in goroutine closes
//     the channel).
//   - spawns per item of p: the function has an unbounded per-item spawn over its parameter p
//     (reported or not: the parameter's origin is unknown in the function), or passes p to a
//     function that spawns per item of its parameter.
//
// A call, inside a loop over input, to a function that spawns per call is reported at the call
// ("call to Publish in loop over lines scanned by sc.Scan starts one goroutine per item"); a call
// to a function that spawns per item of a parameter is reported as a nested fan-out (items times
// sub-items), unless the argument is a batch the caller cut, or the callee waits for those
// goroutines before it returns (wg.Wait() after its loop, a deferred Wait): then one call's
// fan-out runs at a time, and the call is judged like a call outside a loop, by where its
// argument comes from (held-out run 13: openGemini assigns each database's partitions in turn,
// waiting for each). Outside such a loop, a call that
// passes input to an exported or other package's function that spawns per item of that parameter
// is reported at the call; for an unexported function of the same package the callee's loop is
// reported instead, naming the call site.
//
// # Flags
//
//   - -spawnloop.report-accept-loops (default false): also report accept loops, and their
//     datagram form: a loop that reads a packet (ReadFrom, ReadFromUDP, ReadMsgUDP of a
//     net.PacketConn or *net.UDPConn) and spawns per packet, as miekg/dns serves UDP. Packet loops
//     joined the accept loops after held-out run 13: over all runs they were wanted once in five
//     (a DNS forwarder's per-query goroutines; not wanted: one watcher per remote address, a
//     goroutine once per relay, a mock server, a per-packet reply mode the user opts in to).
//   - -spawnloop.max-constant-trips (default 0: off): when positive, also report a loop whose
//     trip count is a constant larger than this ("a loop of 100000 iterations"). Off by default
//     since the seventh held-out run: no constant-count finding was ever judged wanted (a load
//     generator's 2000 deliberate subscribers, a fixed table of 4096 slots, a stress helper's 100
//     iterations); the number of goroutines is the program's choice, not its input. A range over
//     an array of values counts as its length; a range over an array of pointers, interfaces,
//     maps, channels, functions or slices is a fixed-size table whose slots may be nil
//     (`allocators [4096]*Allocator`), so how many items it holds is unknown: only the broad mode
//     reports it.
//   - -spawnloop.include-tests (default false): also analyse test code. Tests fan out on
//     purpose (stress and race tests), so they are skipped by default: _test.go files, test
//     helpers in ordinary files (files that import testing, testify, ginkgo, gomega or
//     gotest.tools, terratest), test doubles (files and packages named fake, mock, stub,
//     testutil, testhelper or testing: a mock UDP server that answers the package's own tests),
//     packages under a test, tests, e2e, e2etest or integrationtest directory of their
//     module, and helper packages named like httptest (the name of their parent directory or
//     of a package they import, then "test").
//   - -spawnloop.report-unknown-sources (default false): also report loops over data of unknown
//     origin: parameters (of exported functions, or of unexported ones whose callers do not show
//     input), fields of parameters, and channels not seen to be fed from input. This is the broad
//     mode of earlier versions; the name and type rules under "Bounded patterns" (configuration
//     types, topology names, components) still apply, and so do the bounds. Before this option
//     existed, the analyzer reported in this mode by default: on four large projects it made 22
//     findings and none was wanted (analyzers/spawnloop/triage.md).
//
// The same names are the golangci-lint settings keys.
//
// # Suppressing a finding
//
// A comment `//goroguard:ignore spawnloop <reason>` on the line of the finding or the line above
// suppresses it, e.g. when the caller bounds the parameter's length.
//
// # Known limits
//
//   - Input is what spawnloop can trace within the package: a parameter of an exported function is
//     unknown (an HTTP handler's *http.Request and a gRPC handler's request excepted), so per-item
//     fan-out in a library's exported API is reported only at callers that pass it input and that
//     are analysed with the library's facts. Data that reaches a loop through a struct field, a
//     package variable, an interface call, a callback or a function literal's parameter is unknown.
//   - Configuration decoded from a file is decoded data: fan-out over it is reported unless its
//     type is named like configuration (...Config, ...Options, see above). A vet or build
//     protocol's "Config" decoded from a file is therefore silent (go/analysis/unitchecker).
//   - Command-line arguments (os.Args, flag.Args) are not input: the operator types them.
//   - The in-flight counter, batch and one-at-a-time rules look at the shape, not at the values:
//     a counter compared with anything (or a cancel of any reassigned handle) silences the loop.
//   - A goroutine that acquires its limiter inside its own body bounds the work but not the number
//     of parked goroutines; spawnloop accepts it.
//   - Data reaching the loop through a receiver field, a package variable, or a call that is not
//     in the tables is not known to be input (no report): for example fan-out over a registry of
//     subscribers or connections, over a transformation of a parameter (groups :=
//     groupByName(metrics)), or over a listing call without a context (informer caches,
//     lister.List(selector)) or not named List (client.getContainers(ctx, node)).
//   - The registry and distinct-key rules also silence in-flight deduplication (if _, ok :=
//     s.inflight[k]; ok { continue }; s.inflight[k] = true; go fetch(k)), which is bounded only by
//     the number of distinct keys, and they do not check that the key comes from the item. A
//     check-and-record predicate is recognised by its shape (reads and assigns one field, returns
//     false somewhere), not by what it compares. Unexported parameter types hide data passed in
//     such a type.
//   - Any unconditional blocking receive from another channel before the spawn silences the loop,
//     including a channel whose producer is itself driven by the input (a second stream of items
//     received in step with the first) or a ticker that paces but does not cap the goroutines.
//   - A counted loop up to a variable (for i := 0; i < n; i++) is taken to be a worker pool even
//     when n is an input count.
//   - Fan-out over a directory listing (files, channel directories, installed plugins) is silent
//     by default, also when the directory holds data a client uploaded; report-unknown-sources
//     reports it. Fan-out over a host's hardware is reported when it comes from decoded data.
//   - Spawns inside function literals that are not the loop body (for { f := func() { go g() } })
//     are not attributed to the loop, and interface method calls carry no facts.
//   - The limiter must appear in the loop body before the spawn; a limiter acquired in a helper
//     function called before the spawn is only seen if its method is named Acquire/TryAcquire.
//   - Component and configuration recognition is by name and method set (see above): a data type
//     named ...Handler, a data parameter of a function named Run or called hosts, a data struct
//     with an address and a port field, or a per-item goroutine running a method named run or
//     serveX or an event loop (for { select }), is not reported.
//   - Limiters are recognised by their calls before the spawn; a spawn that is bounded only inside
//     the callee (go c.handleRequest(req) where the model's limiter is taken inside) is reported,
//     which is right for the parked goroutines but not for the work.
//   - A spawn guarded by a condition that holds once (case n == limit: go p.Kill()) is reported.
//
// # Cost
//
// Findings quote the suite's measurements of one goroutine per item against a pool of
// runtime.GOMAXPROCS(0) workers and errgroup.SetLimit, per goroutine and per 10^5 items: see
// https://github.com/goroguard/goroguard/blob/main/docs/costs.md#spawnloop-per-item.
//
// Cost table (generated by go test ./internal/costs -update):
// Measured by the suite's cost benchmarks on AMD EPYC, 2 CPUs, GOMAXPROCS=2, linux/amd64, cgo; go1.26.8 at load average 0.43 (`goroguard-costs -markdown`); late writes and Go 1.27: go1.26.8 and go1.27.3 interleaved, 5 runs each, load average 2.6–5.5 (`goroguard-costs -json`).
// Full tables, the spread over 8 runs (5 per Go release side by side) and the commands: https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
//	spawnloop/per-item  10^5 short tasks, a goroutine each: 19k goroutines at peak, +50 MiB RSS, 1.1x the time of GOMAXPROCS workers (Go 1.27)
//	                    BenchmarkSpawnloopPerItem/unbounded
//	                    BenchmarkSpawnloopPerItem/pool
//	                    BenchmarkSpawnloopPerItem/setlimit
package spawnloop
