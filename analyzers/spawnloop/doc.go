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
// # Unbounded data sources
//
// The innermost enclosing loop of the spawn (loops with a small constant trip count are skipped in
// favour of the loop around them) is classified by what it iterates over:
//
//   - range over a parameter, or a field, index or Get getter of one (req.Items, req.GetItems()), of a
//     slice or map type: "range over parameter items". Receivers are not parameters: the receiver's
//     fields are the program's own state.
//   - range over a local variable filled by a decoder (json.Unmarshal(b, &v), dec.Decode(&v), xml,
//     gob, yaml, proto): "range over decoded v.Items".
//   - range over the result of a data-producing call: os.ReadDir, (*os.File).ReadDir/Readdir,
//     filepath.Glob, fs.ReadDir, strings.Split/Fields, bytes.Split, (*csv.Reader).ReadAll,
//     (*url.URL).Query. Local variables with one definition are followed to it, and copies
//     (slices.Clone, slices.Sorted(maps.Keys(m)), conversions) and iterator adapters (maps.Keys,
//     slices.Values) to their argument.
//   - range over the result of a listing query: a method named List, List... or ...List whose first
//     argument is a context.Context (client.ContainerList(ctx, opts).Items, svc.ListObjects(ctx, in)):
//     "range over listing client.ContainerList". The context marks a call to another process, and
//     what it lists (containers, pods, objects) is data. A List method without a context (an
//     in-memory registry) is not followed.
//   - range over a channel that binds the value (for j := range jobs): "range over channel jobs".
//   - for sc.Scan() over a bufio.Scanner, for rows.Next() over sql.Rows, for dec.More().
//   - an endless or conditional loop that receives an item before the spawn (m := <-inbox, or the
//     spawn inside `case m := <-inbox:` of a select): "receive loop on channel inbox".
//   - an endless loop that reads one item before the spawn: dec.Decode, http.ReadRequest,
//     bufio.Reader.ReadString/ReadBytes/ReadLine, textproto ReadLine, csv Read, UDP/packet
//     ReadFrom: "read loop on dec.Decode".
//   - a counted loop up to len(x) (for i := 0; i < len(x); i++, for i := range len(x)) is
//     classified by x.
//   - a loop whose trip count is a constant larger than max-constant-trips.
//
// WRONG:
//
//	func (x *Indexer) IndexAll(docs []Document) {
//		var wg sync.WaitGroup
//		for _, d := range docs {
//			wg.Go(func() { x.index(d) }) // one goroutine per document
//		}
//		wg.Wait()
//	}
//
// RIGHT:
//
//	func (x *Indexer) IndexAll(ctx context.Context, docs []Document) error {
//		g, ctx := errgroup.WithContext(ctx)
//		g.SetLimit(runtime.GOMAXPROCS(0))
//		for _, d := range docs {
//			g.Go(func() error { return x.index(ctx, d) })
//		}
//		return g.Wait()
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
//   - Constant trip counts up to max-constant-trips, arrays (and pointers to arrays) of constant
//     length up to it, composite literals with up to that many elements.
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
//   - A wait within the same iteration after the spawn: a Wait method call (wg.Wait, g.Wait), a
//     receive, a select without default, a range over a channel, including in a deferred function
//     literal. The goroutines then run one iteration at a time.
//   - A return, panic or break of the loop right after the spawn: the loop starts at most one.
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
//     itself (a throttled executor: select { case t.limit <- struct{}{}: ... }).
//   - spawns per item of p: the function has a reported per-item spawn over its parameter p, or
//     passes p to a function that spawns per item of its parameter.
//
// A call, inside an unbounded loop, to a function that spawns per call is reported at the call
// ("call to dispatch in range over channel msgs starts one goroutine per item"); a call to a
// function that spawns per item of a parameter is reported as a nested fan-out (items times
// sub-items). The callee's own loop is reported in the callee as well.
//
// # Flags
//
//   - -spawnloop.report-accept-loops (default false): also report accept loops.
//   - -spawnloop.max-constant-trips (default 1000): a loop whose trip count is a constant at most
//     this large is bounded fan-out; above it the loop is reported ("a loop of 100000 iterations").
//     1000 goroutines cost a few megabytes at most and constant stress loops in helper packages
//     commonly run 100 iterations; raise or lower it to taste.
//   - -spawnloop.include-tests (default false): also analyse _test.go files. Tests fan out on
//     purpose (stress and race tests), so they are skipped by default.
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
//   - A goroutine that acquires its limiter inside its own body bounds the work but not the number
//     of parked goroutines; spawnloop accepts it.
//   - Data reaching the loop through a receiver field, a package variable, a local variable built
//     by append, or a call that is not in the tables is not known to be unbounded (no report): for
//     example fan-out over a registry of subscribers or connections, over a transformation of a
//     parameter (groups := groupByName(metrics)), or over a listing call without a context
//     (informer caches, lister.List(selector)) or not named List (client.getContainers(ctx, node)).
//   - The registry rule also silences in-flight deduplication (if _, ok := s.inflight[k]; ok {
//     continue }; s.inflight[k] = true; go fetch(k)), which is bounded only by the number of
//     distinct keys. Unexported parameter types hide data passed in such a type.
//   - Fan-out over a host's hardware (one smartctl per disk found by a scan) is reported: the scan
//     looks like data to spawnloop.
//   - A counted loop up to a variable (for i := 0; i < n; i++) is taken to be a worker pool even
//     when n is an input count.
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
// Measured by the suite's cost benchmarks on AMD EPYC, 2 CPUs, GOMAXPROCS=2, go1.26.8 linux/amd64, cgo, load average 0.43; `goroguard-costs -markdown`.
// Full tables, the spread over 8 runs and the commands: https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
//	spawnloop/per-item  10^5 short tasks, a goroutine each: 10k goroutines at peak, +27 MiB RSS, 1.3x the time of GOMAXPROCS workers
//	                    BenchmarkSpawnloopPerItem/unbounded
//	                    BenchmarkSpawnloopPerItem/pool
//	                    BenchmarkSpawnloopPerItem/setlimit
package spawnloop
