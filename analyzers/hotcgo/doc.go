// Package hotcgo defines an Analyzer that reports cgo calls in hot goroutines: goroutines spawned
// per item that each call into C, and loops in goroutines that cross into C on every iteration.
//
// # Analyzer hotcgo
//
// hotcgo: reports cgo calls in hot goroutines
//
// A goroutine that calls into C runs on its own OS thread for the whole call: while the call
// blocks, the Go scheduler starts another thread for the other goroutines. When goroutines are
// spawned per item and each blocks in C, the runtime creates one thread per blocked call until the
// process hits its 10,000-thread limit (runtime/debug.SetMaxThreads) or pthread_create fails. And
// every call into C pays a crossing cost that a Go call does not; in a loop it is paid per item.
//
// # Pattern 1: a goroutine per item that calls C
//
// WRONG: one goroutine per image, each blocked in C on its own thread.
//
//	for _, img := range imgs {
//		go func() {
//			C.vips_resize(img.ptr, C.double(scale)) // reported at the go statement
//		}()
//	}
//
// RIGHT: bound the goroutines in C (a semaphore of GOMAXPROCS, errgroup's SetLimit, a worker pool)
// or hand the whole batch to C in one call.
//
//	g.SetLimit(runtime.GOMAXPROCS(0))
//	for _, img := range imgs {
//		g.Go(func() error { C.vips_resize(img.ptr, C.double(scale)); return nil })
//	}
//
// Spawning constructs are the go statement and the spawning methods of internal/spawn
// (errgroup.Group.Go, sync.WaitGroup.Go, conc). A loop spawns "per item" when it ranges over a
// slice, map, string, channel or iterator, counts up to len(x) or a constant larger than
// max-constant-trips, counts up to anything while the goroutine indexes by the counter
// (go f(items[i])), or runs until its input ends (for { conn := accept(); go handle(conn) },
// for sc.Scan()). The goroutine "calls C" when its own code reaches C, as defined under Reach.
//
// The finding is about threads: bound the goroutines. The message adds "or batch the items into
// one C call" only when the C call takes nothing but C scalars (see Batching); one signature
// check per transaction, one buffer per call, has no batch form and gets no such advice.
//
// Not reported, because the number of goroutines in C at once is bounded:
//   - a loop with a constant trip count up to max-constant-trips, a range over an array or a
//     literal list of that size, or a count up to a plain variable (for i := 0; i < workers; i++,
//     a fixed pool of workers: its job loop is pattern 2's business);
//   - errgroup (or conc) groups with SetLimit (WithMaxGoroutines) called in the function, and groups
//     that are not local variables (their limit may be set elsewhere);
//   - a semaphore acquired before the go statement (a send on a channel, semaphore.Weighted.Acquire,
//     any method named Acquire or TryAcquire), or inside the goroutine before its C call (the same,
//     or sync.Mutex.Lock, which serialises the calls);
//   - a loop that waits for each goroutine before the next (a receive, WaitGroup.Wait or
//     errgroup.Group.Wait after the go statement in the same iteration);
//   - a loop paced by a timer (time.Sleep, a receive from a ticker or time.After): one goroutine per
//     tick, not per item;
//   - a range over a collection whose size the host fixes (table SmallSources: net.Interfaces,
//     flag.Args), directly or through a local variable;
//   - a goroutine started once, or goroutines that only convert (see Conversions).
//
// # Reach: how far from the goroutine the C call may be
//
// A goroutine's own code is the body of the spawned function literal, or of the named function
// spawned (go f(x)), in place (immediately invoked literals and cmd/cgo's wrappers included, not
// callbacks, not nested go statements). It reaches C when that code
//   - calls C.f anywhere (conditionally or not), or
//   - statically calls a function F that reaches C "short and unconditionally": F's unconditional
//     path calls C.f, or calls a function G whose unconditional path calls C.f. That is at most
//     MaxCalls = 2 static calls between the goroutine's own code and the C call, each (after the
//     goroutine's own call) on its caller's unconditional path. A forwarder, a function whose
//     body is one statement calling another function (func NewWriterLevel(w io.Writer, l int)
//     *Writer { return NewWriterLevelDict(w, l, nil) }), adds no call to the count.
//
// A call is on a function's unconditional path when it runs on every call that gets past the
// function's guards: it is in a top-level statement of the body (or of a plain block there), or in
// the init, condition or tag of a top-level if, switch or for, not in the right operand of && or
// ||, and no return before it in source order returns a value. A return of only constants, nil,
// empty composite literals and errors, or one that carries a non-nil error (also as a field of a
// composite literal: return Result{Path: p, Err: err}), is a guard (the input was rejected: if
// len(msg) != 32 { return nil, ErrInvalidMsgLen }); any other return (a cached value, if n := c.cur.Load(); n !=
// nil { return n }; a bare return) makes the rest of the body conditional. So a secp256k1 wrapper
// that checks its arguments and calls C counts, and a record re-signed only on a cache miss, a
// signature checked deep inside transaction execution, or a C call behind a data-dependent branch
// three calls down do not: the crossing there is incidental next to the work around it.
//
// Reported: the goroutine → Ecrecover → recoverPub → C.recover_pub, both calls unconditional.
// Not reported by default: the goroutine → applyTx → execute → charge → Sender (cache miss only)
// → ... → C. With -hotcgo.deep every static chain counts, however long or conditional (the
// ReachesCgo fact's "reaches C.f somewhere"); the finding then says "which reaches C.f through
// further calls" and never advises batching.
//
// # Batching
//
// A C call "takes only C scalars" when every argument is a constant, a value of a C numeric type
// (C.int(x), C.long(v), C.double(f), a C-typed field), or the address of a local C numeric variable
// (v := C.int(x); C.f(&v, 1)). Such per-item calls can, in principle, be replaced by one call over
// an array of the converted items. Calls that take pointers to per-item buffers (a hash and a
// signature per transaction, an image per call, a string per call) have no batch form in general.
//
// # Pattern 2: a loop in a goroutine that crosses into C per iteration
//
// WRONG: a worker calls C once per job, or a goroutine walks a slice calling C per element, each
// call taking the item converted to C scalars.
//
//	go func() {
//		for job := range jobs { // reported at the loop
//			results <- int(C.encode(C.int(job.w), C.int(job.h))) // C scalars, one call each
//		}
//	}()
//
// RIGHT: convert in the loop, cross once per batch.
//
//	buf := make([]C.int, len(xs))
//	for i, x := range xs {
//		buf[i] = C.int(x)
//	}
//	C.encode_all(&buf[0], C.int(len(buf)))
//
// The loop must be in the function a spawned goroutine runs: the spawned function literal or the
// named function of the package spawned (not the functions it calls: those are shared code, and on
// real code their loops were per-column or per-parameter loops of APIs without a batch form). It
// must run per item of an input: a range over a collection or an iterator, a count that is not a
// small constant, for it.Next(); or, in a worker pool (a goroutine spawned inside a loop), a range
// over a job channel or an endless loop that receives a value from a channel each time (a worker's
// select over its job channel). Only the innermost such loop is reported.
//
// The loop's C call must take only C scalars (see Batching), directly in the loop or through a
// function that reaches it short and unconditionally (see Reach): only there is batching possible
// in principle, and a single goroutine's loop grows no threads, so otherwise nothing is reported.
// Deep reach (-hotcgo.deep) never makes a pattern 2 finding.
//
// Not reported:
//   - loops in code no goroutine runs (the main goroutine's loops pay the crossing too, but grow no
//     threads; that is a profiling question, not a goroutine one);
//   - endless or flag-driven loops that receive no job (event and polling loops that block in C,
//     where the crossing is not the cost that matters);
//   - a single goroutine ranging over a channel (for ms := range flushIntervals { C.flush(ms) }):
//     usually a control loop paced by its sender;
//   - loops paced by a timer, and loops nested in one or in a select case on a timer (per-tick work);
//   - loops with a constant trip count up to max-constant-trips;
//   - loops over batches: items that are slices, maps, arrays of more than 8 elements, or structs
//     (or pointers to structs) with such a field; one C call per buffer or image already amortises
//     the crossing;
//   - range loops whose calls into C are all methods of the item (for _, h := range handles
//     { h.Close() }): one call per resource, nothing to batch;
//   - a loop that only converts, followed by a single call;
//   - loops whose C call takes a pointer to the item's own buffer (one signature, hash, string or
//     image per call): no batch form (see Batching).
//
// # Conversions and helpers
//
// go vet, golangci-lint and the goroguard command analyse a cgo file as cmd/cgo's translation:
// C.f(x) is a call of _Cfunc_f (or _C2func_f for n, err := C.f(x)), and positions map back to the
// file you wrote. gopls analyses the file as written, type-checked in go/types' UsesCgo mode: C.f(x)
// stays a selector whose name resolves to cmd/cgo's _Cfunc_f. Both shapes give the same findings.
// Conversions (C.int(x), (*C.char)(p)) are not calls.
// C.CString, C.CBytes, C.GoString, C.GoStringN, C.GoBytes, C.malloc and C.free are copies and
// allocator calls: cheap, never blocking, and not worth a finding on their own, so they are not
// counted as calls into C. The function literals cmd/cgo wraps around calls with pointer arguments
// are looked through.
//
// # Facts: through calls and packages
//
// Each exported function or method of a package that reaches a call into C, directly or through
// static calls (in the package, or to other packages' functions carrying the fact), gets the fact
// ReachesCgo. It records the C function reached at any depth (C, used by -hotcgo.deep), the one
// reached short and unconditionally with the number of calls in between (Near, Hops; see Reach),
// the one reached when the function is a goroutine's own code (Own), and whether those calls take
// only C scalars (Scalar, OwnScalar). A goroutine spawned per item that calls
// imaging.Decode, which calls C, is therefore reported in the package that spawns it, even though
// that package has no cgo of its own. A package that is not processed by cgo and imports no package
// with such a fact is skipped at once.
//
// # Options
//
//	-hotcgo.max-constant-trips=16  loops with a constant trip count up to this value are a fixed,
//	                               small number (golangci-lint setting max-constant-trips)
//	-hotcgo.loops=true             report pattern 2 (golangci-lint setting loops)
//	-hotcgo.deep=false             also count C calls reached through long or conditional chains
//	                               of static calls (golangci-lint setting deep; see Reach)
//
// # Suppressing a finding
//
// A comment //goroguard:ignore hotcgo <reason> on the line of the finding or on the line above
// suppresses it; the reason is required. For example, when the C function is known to return in
// microseconds and never block:
//
//	//goroguard:ignore hotcgo xxhash in C never blocks; measured, no thread growth
//	go C.xxhash(p, n)
//
// # Known limits
//
//   - Calls through interfaces and function values are not followed: database/sql calling a cgo
//     driver such as mattn/go-sqlite3 is invisible (the driver's methods are reached only through
//     the driver.Conn interfaces), as are callbacks stored and called later. Direct calls to a
//     package's exported cgo-backed functions and methods are found.
//   - Function literals passed as arguments (sync.Once.Do(func(){ C.init() }), sort.Slice) are not
//     counted as running in place, since the callee may store them instead; a goroutine reaching C
//     only through such a callback is missed.
//   - Loops in functions the goroutine calls (in this package or another) are not reported: only
//     the goroutine's own function is searched (pattern 1 does follow calls).
//   - A single goroutine consuming a job channel one C call per job is not reported (it cannot be
//     told apart from a control loop); a pool of such goroutines is.
//   - Whether a C function blocks is unknown: every call into the user's C code counts the same. A C
//     function that returns in nanoseconds does not grow threads; suppress with a reason.
//   - Bounds are recognised by shape (a semaphore send or Acquire before the C call or the spawn,
//     a mutex, a wait after the spawn, SetLimit on a local group); a limit enforced elsewhere (a
//     pool created by another package, a rate limiter) is not seen and the finding stays.
//   - Per-item counted loops up to a plain variable (for i := 0; i < n; i++ { go work() }) are
//     taken as fixed worker pools unless the goroutine indexes by the counter.
//   - Reach is judged by shape (see Reach): a C call three unconditional calls away, or behind a
//     branch that every real input takes, is missed by default; a guard that returns a constant
//     (if len(b) == 0 { return 0 }) is taken for input validation even where it is a cache.
//     -hotcgo.deep reports every static chain.
//   - Whether a per-item C call could be batched is judged from its arguments alone (C scalars;
//     see Batching): a C library that does offer a batch form over pointer arguments (a batch
//     signature verification) is not known, and such loops are not reported.
//   - With CGO_ENABLED=0 the files that import "C" are not compiled and not analysed: nothing is
//     reported about them (the analyzer runs without error).
//
// # Cost
//
// Messages quote the measured figures of the suite's cost benchmarks: the OS threads created when
// goroutines block in C at once (pattern 1), and the cost of one Go-to-C call compared with a Go
// call (pattern 2). The tables and the commands that produced them are in
// https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
// Cost table (generated by go test ./internal/costs -update):
// Measured by the suite's cost benchmarks on AMD EPYC, 2 CPUs, GOMAXPROCS=2, linux/amd64, cgo; go1.26.8 at load average 0.43 (`goroguard-costs -markdown`); late writes and Go 1.27: go1.26.8 and go1.27.3 interleaved, 5 runs each, load average 2.6–5.5 (`goroguard-costs -json`).
// Full tables, the spread over 8 runs (5 per Go release side by side) and the commands: https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
//	hotcgo/crossing  each cgo call costs 26 ns, 10x an empty Go call (Go 1.26, amd64)
//	                 BenchmarkHotcgoCrossing/cgo
//	                 BenchmarkHotcgoCrossing/go
//	hotcgo/threads   200 goroutines blocked in C for 20 ms at once added 168 OS threads; bounded to GOMAXPROCS, 1
//	                 BenchmarkHotcgoThreads/unbounded
//	                 BenchmarkHotcgoThreads/bounded
//	                 BenchmarkHotcgoThreads/gosleep
//	                 BenchmarkHotcgoThreads/unbounded-short
package hotcgo
