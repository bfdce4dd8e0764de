// Package ctxdone defines an Analyzer that reports goroutines that can block forever with no
// cancellation exit.
//
// # Analyzer ctxdone
//
// ctxdone: reports goroutines that can block forever with no cancellation exit
//
// A goroutine parked on a channel operation that nobody will ever complete stays in memory for
// the life of the process, with everything its stack references. goleak, LeakProf and the
// runtime's goroutineleak profile find these at run time; ctxdone finds the common shapes in
// the source. Findings are reported at the go statement (or at the spawning call: errgroup's
// Group.Go, sync.WaitGroup.Go, conc), with a related position at the other end: the select case
// or return through which the spawner leaves, or the loop that never ends.
//
// # Premature return
//
// A goroutine sends its result on an unbuffered channel made by the spawner, and the spawner
// has a path from the go statement to a return that does not receive: a select that can leave
// through ctx.Done() or time.After, an early error return, or the next iteration of a loop
// that makes a new channel. The send blocks forever.
//
// WRONG:
//
//	ch := make(chan result)
//	go func() { ch <- fetch(ctx, url) }()
//	select {
//	case r := <-ch:
//		return r, nil
//	case <-ctx.Done():
//		return result{}, ctx.Err() // the goroutine's send never completes
//	}
//
// RIGHT: give the channel room for its sends (the suggested fix, offered when the number of
// sends is certain), or receive on every path.
//
//	ch := make(chan result, 1)
//
// A receive from the goroutine's completion signal counts as doing the spawner's part: a second
// local channel that only this goroutine (started once) sends on or closes, and only as its last
// action (the send is followed by a return, or ends the body, or is a top-level
// `defer close(done)`), while the spawner only receives from it. A reader loop that reports its
// final error on errc and returns lets the spawner leave through `case err := <-errc` without
// leaking: by then the reader is past its last send. ChanParamsFact carries this (`+final`) for
// named functions.
//
// The same path check covers the reverse: a goroutine that waits to receive once (`<-ready`)
// while the spawner can return without sending or closing, and a goroutine that ranges over the
// channel while the spawner can return without closing it.
//
// The check follows the channel only while it stays local: made in the spawning function,
// assigned once, used there only by send, receive, range, close, len and cap, and by the
// goroutines started there (function literals, or named functions whose parameters are
// summarised by a fact). A channel that is returned (also as a named result), stored, passed
// to any other function or captured by another closure is left alone. Sends in a select with
// another case, a buffer that holds every send, a receive or close on every path (including a
// deferred close), and paths that end in panic or os.Exit are fine. The number of sends is
// counted along the goroutine's paths (sends on exclusive branches do not add up); a send in a
// loop, or a go statement in a loop that does not also make the channel, makes the count
// unknown: then only an unbuffered channel is reported, and no fix is offered.
//
// # Loop that ignores the context
//
// A goroutine reaches a loop that can never end, `for { ... }` with no return, no break out,
// no goto and no call that does not return, which parks on channel operations, while a
// context.Context is at hand: a parameter or local of the spawner visible to a function
// literal, a context parameter of the spawned function, or a context field of its receiver.
//
// WRONG:
//
//	go func() {
//		for {
//			select {
//			case e := <-h.in:
//				h.handle(e)
//			}
//		}
//	}()
//
// RIGHT:
//
//	go func() {
//		for {
//			select {
//			case e := <-h.in:
//				h.handle(e)
//			case <-ctx.Done():
//				return
//			}
//		}
//	}()
//
// `for range t.C` over a time.Ticker (or time.Tick) counts as such a loop: Ticker.Stop does not
// close C, so the loop never ends; select on ctx.Done() beside the ticker instead.
//
// A loop that receives from a channel closed somewhere in the package (`close(s.stop)` in Stop),
// or from ctx.Done(), without leaving the loop in that case, spins forever once the channel is
// closed; it is reported whether or not a context is in scope:
//
//	for {
//		select {
//		case <-s.stop:
//			log.Print("stopping") // missing return
//		case e := <-s.in:
//			s.handle(e)
//		}
//	}
//
// # Never-closed channel
//
// The spawner makes a channel, a goroutine ranges over it (or loops on `v, ok := <-ch` until
// it is closed), and no code in the package closes it while it never escapes the spawner. The
// goroutine blocks forever once the spawner stops sending.
//
// WRONG:
//
//	items := make(chan item)
//	go func() {
//		for it := range items {
//			process(it)
//		}
//	}()
//	for _, it := range all {
//		items <- it
//	}
//	// missing close(items)
//
// # Across calls and packages
//
// `go s.loop(ctx)`, `go worker(ctx, jobs)` and `go lib.Pump(ctx, in, out)` are decided by the
// callee's body, in this package or another, through two facts: ForeverFact marks a function
// whose body reaches a never-ending channel loop (with the context it ignores, or the closed
// channel it spins on), and ChanParamsFact records, per channel parameter, whether the function
// sends on it (and how often), ranges over it, or receives from it once, and whether it sends
// on it or closes it only as its last action (a completion signal). A function literal
// whose body calls such a function at its top level (`g.Go(func() error { return s.loop(ctx) })`)
// is reported too.
//
// # Not reported
//
//   - Loops with any exit: a ctx.Done() case that returns, a labeled break, a comma-ok receive
//     that returns on !ok, log.Fatal, panic.
//   - Loops with a condition (`for ctx.Err() == nil`), ranges over channels other than timer
//     channels (they end when the channel is closed), selects with a default case (they never
//     park), one-shot timers.
//   - Loops receiving from a signal.Notify channel: waiting for signals forever is a signal
//     handler's job.
//   - Goroutines started in main.main or in init functions: they live as long as the process
//     (see the include-main flag).
//   - A never-ending loop with no context in scope and no closed channel: a process-lifetime
//     worker cannot be told apart from a leak without knowing the owner's lifecycle. A local
//     context assigned only context.Background() or context.TODO() does not count as in scope:
//     it is never cancelled, so observing it would end nothing.
//   - A channel that is a named result of the spawner: a bare return hands it to the caller.
//
// # Flags
//
//   - -ctxdone.include-main (golangci-lint setting include-main, default false): also report
//     goroutines started in main.main and init functions, including never-ending loops with no
//     context in scope there.
//
// # Suppressing a finding
//
// Put `//goroguard:ignore ctxdone <reason>` on the line of the finding or the line above it. A
// directive without a reason is itself reported.
//
// # Known limits
//
//   - Work is bounded per function: each local channel costs a walk of the function that makes it,
//     so after about 2 million syntax nodes and control-flow blocks in one function (a generated
//     function with thousands of channels) its remaining channels are not checked.
//   - The path check is not path-sensitive on conditions: a loop whose body receives is assumed
//     to run often enough (its natural exit is not a leak path), and a branch that is impossible
//     at run time still counts. A protocol that guarantees a case is taken first (a test that
//     knows a request arrives before the connection closes) can be reported.
//   - The related position names the first leaking path found, which may be a benign one when
//     another path really leaks: a receive loop that returns on an error item the generator sent
//     as its last value is fine, but the same loop's other early return is not; the finding is
//     right and its related position points at the first return.
//   - Completion signals are recognised only as a second local channel that one goroutine sends
//     on or closes as its last action; an in-band signal (the error item of the same channel),
//     a sync.WaitGroup, or a signal from several goroutines counted by the spawner is not.
//   - Select cases that send on another channel are not followed as ways out: whether anyone
//     receives there is unknown.
//   - Receives in bounded loops (`for i := 0; i < n; i++ { <-ch }`) are not counted, so such
//     goroutines are not checked.
//   - Channels stored in struct fields, slices or maps, passed to other functions or returned
//     are not followed (pattern 3 covers local channels only; fields are covered by the spin
//     check).
//   - Never-ending loops without a context in scope (or with only a local context.Background())
//     are not reported outside main/init, even when their owner has a Close that should stop
//     them (go-redis v8's Ring heartbeat); facts for named functions are computed only for
//     loops at the top level of their body.
//   - Goroutines blocked on something other than a channel (a mutex, a network read, a
//     sync.Cond) are out of scope.
//
// # Cost
//
// Each finding quotes the measured cost of one parked goroutine from the suite's benchmarks;
// see https://github.com/goroguard/goroguard/blob/main/docs/costs.md for the table and the
// command that produced it.
//
// Cost table (generated by go test ./internal/costs -update):
// Measured by the suite's cost benchmarks on AMD EPYC, 2 CPUs, GOMAXPROCS=2, go1.26.8 linux/amd64, cgo, load average 0.43; `goroguard-costs -markdown`.
// Full tables, the spread over 8 runs and the commands: https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
//	ctxdone/parked  each parked goroutine keeps 2.6 KiB (2 KiB stack, 602 B heap) and all it references, until exit (Go 1.26, amd64)
//	                BenchmarkCtxdoneParked
//	                BenchmarkCtxdoneLeak/leaky
//	                BenchmarkCtxdoneLeak/fixed
//	                BenchmarkCtxdoneRetained/leaky
//	                BenchmarkCtxdoneRetained/fixed
package ctxdone
