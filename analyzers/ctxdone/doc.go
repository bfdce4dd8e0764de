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
// through ctx.Done() or time.After (or through its default case: a receive that does not wait
// for a goroutine just started), an early error return, or the next iteration of a loop
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
// A group's completion counts the same way for all its goroutines: a local channel closed only by
// a closer goroutine `go func() { wg.Wait(); close(done) }()` (a sync.WaitGroup or an
// errgroup.Group), or sent one value by a closer `go func() { wg.Wait(); done <- true }()`, which
// the spawner only receives from, when every sender is one the group waits for to the end (its
// function literal starts with `defer wg.Done()`, or it is started by the group's Go). Once done
// is closed, or its one value received, every send has been received, so a loop that collects
// errors until `case <-done` leaks nothing (kubevela's addon loader, held-out run 23); a return on
// the first error received still strands the senders still due, and is reported at that return
// (with a sending closer, the closer is stranded too, and reported with the buffer fix).
//
// A goroutine that sends once, on one of several channels on exclusive paths (an error on errCh
// or a result on outCh, never both), is completed by a receive from any of them: its sends add
// up to one, so after `case out := <-outCh` the errCh send can no longer happen, and an exit
// through that case is not reported.
//
//	go func() {
//		out, err := q.Dequeue()
//		if err != nil {
//			errCh <- err
//			return
//		}
//		outCh <- out
//	}()
//	select {
//	case out := <-outCh: // completes the goroutine: no errCh send follows
//		use(out)
//	case err := <-errCh:
//		return err
//	}
//
// The same path check covers the reverse: a goroutine that waits to receive once (`<-ready`)
// while the spawner can return without sending or closing, and a goroutine that ranges over the
// channel while the spawner can return without closing it.
//
// The check follows the channel only while it stays local: made in the spawning function,
// assigned once, used there only by send, receive, range, close, len and cap, and by the
// goroutines started there (function literals, or named functions whose parameters are
// summarised by a fact). A channel that is returned (also as a named result), stored, passed
// to a function whose use of it is not known or captured by another closure is left alone.
// Sends in a select with another case, a buffer that holds every send, a receive or close on
// every path (including a deferred close), and paths that end in panic or os.Exit are fine. The
// number of sends is counted along the goroutine's paths (sends on exclusive branches do not add
// up); a send in a loop, or a go statement in a loop that does not also make the channel, makes
// the count unknown: then only an unbuffered channel is reported, and no fix is offered.
//
// Two refinements reach further. A goroutine that hands the channel to a helper (`defer
// close(out); produce(ctx, out)`) is judged by what the helper does with it: its
// ChanParamsFact in another package, its own body in this one (a helper behind an interface or
// a function value still makes the channel escape). And a send that runs unconditionally in
// loops with constant bounds (`for i := 0; i < 8; i++ { out <- v }`, `for range 3`), with no
// break, continue, return or goto in the body, counts once per trip: eight sends into
// `make(chan T, 6)` leave two blocked after an early return, and the fix gives the buffer room
// for eight.
//
// WRONG: the prober sends eight answers into six slots, and AnyProbe stops reading at the first
// good one.
//
//	func probe(out chan<- bool) {
//		for i := 0; i < 8; i++ {
//			out <- check(i)
//		}
//	}
//	answers := make(chan bool, 6)
//	go func() { defer close(answers); probe(answers) }()
//	for ok := range answers {
//		if ok {
//			return true
//		}
//	}
//
// RIGHT: `answers := make(chan bool, 8)`.
//
// # Fan-in left early
//
// When several sends are due on an unbuffered channel (goroutines started in a loop, several go
// statements, or one goroutine sending in a loop), one receive does not complete them all. If the
// spawner receives them in a counted loop (a range over a slice, map, array, string or integer,
// or a three-clause for loop) that contains neither the channel's make nor the go statements,
// a return or break out of that loop before its last trip leaves every goroutine that has not
// sent yet blocked forever: "return at the first error" over a fan-in. The loop's natural exit
// still counts as having received everything, and a later loop that drains the rest is a way
// out. The same holds for a buffered channel whose buffer cannot take the sends still due after
// the first receive.
//
// WRONG:
//
//	errc := make(chan error)
//	for _, h := range hosts {
//		go func() { errc <- ping(ctx, h) }()
//	}
//	for range hosts {
//		if err := <-errc; err != nil {
//			return err // the hosts that answer later block on their send
//		}
//	}
//
// RIGHT: `errc := make(chan error, len(hosts))`, or read every value and keep the first error,
// or use errgroup. The suggested fix is offered only when the number of sends is a constant
// (two go statements: `make(chan error, 2)`).
//
// A closer goroutine that waits for the senders and then closes the channel (`go func() {
// wg.Wait(); close(results) }()`) does not change this: a return from inside the spawner's
// `for r := range results` strands the senders still due, and the closer waits for them forever.
//
// The first answer wins the same way: when the spawner's only receive on the channel is in no
// loop and comes after every spawn (`for _, r := range replicas { go func() { c <- r.Search(q)
// }() }; return <-c`), every other goroutine's send blocks forever.
//
// Not treated so, and left to the other rules:
//   - loops without a counter (`for {}`, `for cond {}`): their return is often the completion;
//   - counted loops whose exit is under a condition on a counter the loop increments, or on the
//     length of a slice it appends to (`if healthy++; healthy >= quorum { return nil }`): it may
//     be the last trip;
//   - goroutines that send in an endless or conditional loop (a stream reader): whether they
//     send again once the spawner has what it wanted is not known, and they often end when the
//     spawner closes their source (see Stream decoders). A generator over a slice (sends in
//     counted loops only) is followed;
//   - a send directly followed by a return (`if err != nil { errc <- err; return }`): inside a
//     loop too it happens at most once per goroutine, and one goroutine that sends once on every
//     path (`errc <- nil` after its loop) meets the one receive.
//
// Senders that select on a cancelled context, a buffer of len(hosts), and a spawn and receive in
// the same iteration are fine.
//
// # Forgotten stop
//
// A goroutine whose endless loop has one way out, a select case that receives from a stop
// channel the spawner made (`case <-stop: return`), runs until the spawner closes that channel
// (or sends on it). When the spawner has a path to a return that does not (an error return
// before `close(stop)`), the goroutine never ends: it keeps its ticker, its stack and all it
// references, and keeps running its other cases.
//
// WRONG:
//
//	stop := make(chan struct{})
//	go func() {
//		for {
//			select {
//			case <-stop:
//				return
//			case <-ticker.C:
//				reportProgress()
//			}
//		}
//	}()
//	if err := fetch(ctx); err != nil {
//		return err // the reporter ticks on forever
//	}
//	close(stop)
//
// RIGHT: `defer close(stop)` right after the make, or a `case <-ctx.Done(): return` in the loop.
//
// Only function literals are followed, started once; the loop is `for {}` without a condition,
// and nothing else in it returns, breaks out of it or jumps (a loop that also gives up after too
// many failures, or also watches ctx.Done(), can end by itself and is not reported). A stop
// channel stored in a field or passed to other code is left alone, and so is one shared by
// several goroutines.
//
// # Late send on a channel the spawner closes
//
// When the spawner closes the channel its goroutine sends on as it leaves (`defer close(ch)`, or
// a close on the leaking path), the late send does not block: it panics with "send on closed
// channel", and an unrecovered panic in any goroutine ends the process. This is reported with
// its own message, the close as a related position, and no buffer fix (a buffer does not make
// a send after the close legal).
//
// WRONG:
//
//	waitCh := make(chan *waitResult)
//	defer close(waitCh)
//	go l.handleExecWait(waitCh, process)
//	select {
//	case r := <-waitCh:
//		return r, nil
//	case <-time.After(time.Until(deadline)):
//		process.Signal(os.Kill)
//		return nil, context.DeadlineExceeded // handleExecWait's send panics
//	}
//
// RIGHT: let the sender close the channel (or nobody), and give it room for its send:
//
//	waitCh := make(chan *waitResult, 1)
//	go l.handleExecWait(waitCh, process)
//
// # Tests
//
// A goroutine left parked only on paths where the test has already failed is not reported: the
// path search stops at a statement that fails or skips the test, so a leak counts only on an
// exit of a passing test. Failing statements are the testing.TB methods Fatal, Fatalf, FailNow,
// Fail, Error, Errorf, Skip, Skipf and SkipNow (on *testing.T, *testing.B, *testing.F,
// testing.TB or any interface embedding it), and the calls of a table of assertion libraries
// whose outcome is certain: testify's require and assert Fail/FailNow (functions and
// *Assertions methods), True(t, false), False(t, true), NoError/Nil of an error that cannot be
// nil (errors.New, fmt.Errorf, ctx.Err() in a `case <-ctx.Done()`), shoenig/test's must and test
// (Unreachable, True, False, NoError, Nil), gotest.tools assert (Assert, Check, NilError),
// matryer/is, ginkgo and gomega Fail. NoError(t, err) of an err of unknown value is a check on a
// passing path and ends nothing.
//
// WRONG (reported: the test passes through the timeout branch):
//
//	go func() { ch <- q.Dequeue() }()
//	select {
//	case v := <-ch:
//		check(t, v)
//	case <-time.After(time.Second):
//		t.Log("no value yet, carrying on")
//	}
//
// Not reported: `case <-time.After(time.Second): t.Fatal("timed out")`.
//
// # Stream decoders
//
// A goroutine that decodes frames from a connection or pipe in a loop, returns on io.EOF or an
// error that says the connection is closed, and sends on errCh only on another error, does not
// leak through that send when the spawner closes the source on its way out (`defer
// p1.Close()`): the pending read then fails with EOF or closed, and the goroutine returns. Such
// error-only sends (in a branch taken on `err != nil`, after `if <closed check> { return }`, or
// under `if err != io.EOF`) are not counted when the spawner calls Close on a variable the
// goroutine uses, on the other end of the same `net.Pipe()`, or on a variable its decoder was
// made from. Closed checks: `err == io.EOF`, errors.Is with a package variable whose name says
// EOF or Closed (io.EOF, io.ErrClosedPipe, net.ErrClosed, http.ErrServerClosed; the Is of
// github.com/pkg/errors and other packages named errors counts as errors.Is),
// strings.Contains(err.Error(), "closed"), and functions named like isClosedErr. Named decoders
// carry this in ChanParamsFact (`+erronly`).
//
// Servers follow the same rule: a goroutine that runs `srv.Serve(ln)` and sends only errors other
// than the closed one (`err != http.ErrServerClosed`) has nothing to send once the spawner calls
// Shutdown, Close, Stop or GracefulStop on a value whose type has a Serve method, as the
// serve-until-cancelled idiom does on its way out.
//
// RIGHT (not reported: Shutdown makes Serve return http.ErrServerClosed):
//
//	go func() {
//		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
//			errs <- err
//		}
//	}()
//	select {
//	case <-ctx.Done():
//	case err := <-errs:
//		return err
//	}
//	return srv.Shutdown(context.Background())
//
// The per-frame send is still checked: a decoder blocked on `frames <- f` after the test
// stopped reading is not released by closing the pipe, and a decoder that sends every error,
// io.EOF included, blocks once the test has left.
//
// WRONG (reported: errCh also receives the io.EOF the deferred close produces):
//
//	go func() {
//		for {
//			var f frame
//			if err := dec.Decode(&f); err != nil {
//				errCh <- err
//				return
//			}
//			frames <- &f
//		}
//	}()
//
// RIGHT:
//
//	if err := dec.Decode(&f); err != nil {
//		if err == io.EOF || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) {
//			return
//		}
//		errCh <- err
//		return
//	}
//
// # Loop that ignores the context
//
// A goroutine reaches a loop that can never end, `for { ... }` with no return, no break out,
// no goto and no call that does not return, which parks on channel operations, while a
// context.Context is at hand: a parameter or local of the spawner visible to a function
// literal, a context parameter of the spawned function, or a context field of its receiver.
//
// By default the loop is reported only when the spawner shows that this context is cancelled
// while the process runs: it makes the context with a cancel function of its own
// (context.WithCancel, WithTimeout, WithDeadline and their Cause forms, errgroup.WithContext),
// or it watches the context itself (ctx.Done(), ctx.Err(), context.Cause, context.AfterFunc),
// so its author expects the cancellation while the goroutine runs. For a context kept in a
// struct field, any function of the package counts (Start stores `w.ctx, w.cancel =
// context.WithCancel(parent)`, Stop cancels it). A context the spawner only passes on, or one a
// helper returns (`go h.flush(orm.Context())`), looks the same as a process's root context that
// is cancelled only as the process exits, and is not reported without -ctxdone.loops-any-context
// (see Flags).
//
// WRONG:
//
//	func (h *hub) Run(ctx context.Context) error {
//		go func() {
//			for {
//				select {
//				case e := <-h.in:
//					h.handle(e)
//				}
//			}
//		}()
//		<-ctx.Done() // Run returns on cancellation; the goroutine stays
//		return ctx.Err()
//	}
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
// close C, so the loop never ends, even when another goroutine stops the ticker on
// `<-ctx.Done()`; select on ctx.Done() beside the ticker instead.
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
//   - A goroutine that only reports a server's Serve or ListenAndServe error, when its spawner
//     leaves without receiving it: the send can happen only once the server is closed, at
//     shutdown for a server run once per process (-ctxdone.server-errors reports it).
//   - Loops with any exit: a ctx.Done() case that returns, a labeled break, a comma-ok receive
//     that returns on !ok, log.Fatal, panic.
//   - Loops with a condition (`for ctx.Err() == nil`), ranges over channels other than timer
//     channels (they end when the channel is closed), selects with a default case (they never
//     park), one-shot timers.
//   - Loops receiving from a signal.Notify channel: waiting for signals forever is a signal
//     handler's job.
//   - A goroutine that gives back a semaphore token (`<-sem` on a buffered channel) its spawner
//     sent for it: a send on sem runs on every path to the go statement (`sem <- token` before
//     it, or the send case of a select that is the only way to reach it).
//   - A goroutine that reports a gRPC server's Serve error (`if err := s.Serve(lis); err != nil
//     { errCh <- err }`) on a path where the spawner first calls Stop or GracefulStop on that
//     same server: Serve then returns nil. A path that leaves without stopping it still counts.
//   - Goroutines started in main.main or in init functions: they live as long as the process
//     (see the include-main flag). The same holds for command packages, those that import a
//     command-line framework (spf13/cobra, urfave/cli, kingpin, kong, ff, mitchellh/cli,
//     hashicorp/cli, posener/complete, google/subcommands; jessevdk/go-flags when the package also
//     declares go-flags commands, types with Execute(args []string) error, since servers import
//     it only to parse their configuration), and packages below a cmd directory
//     inside their module (nerdctl's pkg/cmd/container, kubectl's pkg/cmd/...; not a top-level
//     cmd, which holds package main or, as in minio, a whole server): their code is the
//     actions of commands a process runs once before it exits (a diagnostic that gives up after
//     a timeout, a Main that returns the exit code, a stats command's collectors).
//     Libraries a command calls do not import the framework and are still checked. Known limit:
//     a long-running server whose per-request handlers sit in the cobra package itself is not
//     checked there.
//   - Test code: _test.go files; ordinary files that import a testing package (testing,
//     testify, ginkgo, gomega, gotest.tools), which are test helpers; and test doubles: files and
//     packages whose name contains fake, mock, stub, testutil, test_util, testhelper or testing;
//     and packages under a test, tests, e2e, e2etest or integrationtest directory of their
//     module (kuma's test/framework), or files that import terratest; and helper packages named
//     after the package they help test plus "test", as httptest is (immudb's cmd/cmdtest: the
//     name of the parent directory or of an imported package, then "test") (see the
//     include-tests flag).
//   - A never-ending loop with no context in scope and no closed channel: a process-lifetime
//     worker cannot be told apart from a leak without knowing the owner's lifecycle. A local
//     context assigned only context.Background() or context.TODO() does not count as in scope:
//     it is never cancelled, so observing it would end nothing. The same holds for a loop that
//     ignores its context parameter when the go statement passes it such a context (`ctx :=
//     context.Background(); go h.handle(ctx)` in a process's Main), and, by default, for a loop
//     whose spawner neither makes its context with a cancel function nor watches it (see "Loop
//     that ignores the context").
//   - An early return that receives the goroutine's value only when a flag says the loop has not
//     received it yet (`if !stopped { <-stop }`, the condition made of boolean variables only):
//     the flag records what the path search does not follow, so the branch that skips the
//     receive counts as having received.
//   - A channel that is a named result of the spawner: a bare return hands it to the caller.
//
// # Orphaned channels
//
// This section and the next describe package-wide checks: they run by default, and
// -ctxdone.package-channels widens them (see Flags).
//
// A channel the package makes is followed wherever it travels inside the package: struct fields,
// slices and maps of channels, package variables, closures, parameters and results of the
// package's own functions, and calls through function values that hold the package's own
// functions. When every operation on it is in view, because it is never handed to code outside,
// three shapes block a goroutine for good:
//
//   - it is received from, and nothing sends on it or closes it;
//   - it is sent on, and nothing receives from it (unbuffered, or with a constant buffer that the
//     sends, counted in loops and calls, can fill; a buffered channel kept in a struct field is
//     counted only with -ctxdone.package-channels, because the count is per field and a field is
//     one channel per struct value: a registration's one-slot error channel, sent on once per
//     registration by a dispatcher loop, looks full; a send in a callback another package runs
//     counts once by default, as many times as the callback is made in a loop, and as many in
//     the broad mode);
//   - a function receives from it, and its only release is that same function's `defer close`,
//     registered on every path to the receive: the close runs when the function returns, which
//     it cannot do. A receive on a path where this call has not deferred the close (`if
//     closing { <-done; return }; defer close(done)`, a second Close waiting for the first) is
//     released by an earlier call and is not reported.
//
// WRONG: Stop forgets to close quit, so flushLoop never returns.
//
//	func NewDrainer() *Drainer {
//		d := &Drainer{quit: make(chan struct{})}
//		go d.flushLoop()
//		return d
//	}
//	func (d *Drainer) flushLoop() { <-d.quit; d.flush() }
//	func (d *Drainer) Stop()      { d.stopped = true }
//
// RIGHT: func (d *Drainer) Stop() { d.once.Do(func() { close(d.quit) }) }
//
// A channel counts as handed out, and is never reported, when it reaches: another package's
// function or method (signal.Notify, a callback from a parameter), an interface value, an
// exported field or package variable (outside package main), the result or parameter of a
// function other packages can call (exported, called through an interface or a method
// expression, or used as a value that leaves the package), or a channel of channels. A channel
// handed out only as `<-chan T` can be received from outside but not sent on or closed, so its
// receives are still checked. Channels made by unexported functions that nothing in the package
// calls (their callers are tests) and channels touched by generic code are left alone.
//
// A wait forever on purpose is not reported either: `<-make(chan struct{})`, or a plain receive
// on a channel that the receiving function makes itself (in a local or a field) and that no
// goroutine of the package holds (a goroutine that only compares it with nil does not), in a
// function no go statement of the package runs. A server's Run that starts its listeners and
// ends in `s.stopCh = make(chan struct{}); <-s.stopCh` parks the command that calls it until
// the process is killed (argo-rollouts' dashboard, held-out run 17); a caller that blocks is seen
// at once, unlike a leaked goroutine. A channel a goroutine holds (a shard's done channel, a
// flusher that waits on the same stop channel) was meant to be released by it, and is reported.
//
// # Stranded operations
//
// A goroutine (a function a go statement starts, directly, through a function value, or called
// only from such) that sends on a channel without a way out, when every receive from that channel
// is a select case with another way out, leaks once the receiver has left; the mirror case, a
// goroutine's plain receive when every send is such a select case, leaks once the sender has
// left. Another case is a way out when the select runs once (it is in no loop), or when that
// case's body leaves the loop or the function (return, labelled break, goto, t.Fatal, panic). A
// case on a channel that the stranded goroutine itself sends on or closes (its completion
// signal, as in a loop that returns when its last worker reports) is not a way out. Only
// unbuffered channels kept in struct fields or package variables, whose every operation is in
// view (as above) and that nothing closes, are checked.
//
// WRONG: after ctx is cancelled, every later Add parks a goroutine for good.
//
//	func (c *Collector) loop(ctx context.Context) {
//		for {
//			select {
//			case r := <-c.results:
//				c.total += r.n
//			case <-ctx.Done():
//				return
//			}
//		}
//	}
//	func (c *Collector) Add(n int) { go func() { c.results <- result{n} }() }
//
// RIGHT: give the send the same way out: `select { case c.results <- r: case <-ctx.Done(): }`.
//
// By default a stranded operation is reported only when the stranded goroutine could have
// watched the way out its partner takes, so that the fix is one select case away: the way out
// receives from a field of a struct the goroutine holds (`case <-n.stop:` while the goroutine
// runs a method of n, `stopper.ShouldStop()`, a method returning such a field, or
// `s.ctx.Done()`), or from the very context or channel of a function the goroutine is nested in
// (a parameter or local of that function). When the partner leaves on something the goroutine
// cannot see, as in the Collector above (the loop's own ctx parameter, which Add never had), or
// a request's context where the loop leaves on its own, the loop usually leaves only when its
// owner shuts down, often with the process: that shape is reported only with
// -ctxdone.package-channels. The message names the case to add.
//
// WRONG (reported by default): a report started after Stop blocks forever; it holds n.
//
//	func (n *Node) run() {
//		for {
//			select {
//			case c := <-n.status:
//				c <- n.current()
//			case <-n.stop:
//				return
//			}
//		}
//	}
//	func (n *Node) report() { c := make(chan int); n.status <- c; use(<-c) }
//
// RIGHT: `select { case n.status <- c: use(<-c); case <-n.stop: }`.
//
// A way out also counts, by default, when the stranded goroutine is started only after its
// spawner saw that way out taken: the go statement runs in the `case <-ctx.Done():` clause of a
// select (or after a plain `<-ctx.Done()`), and every partner leaves on the Done channel of the
// very same context. Parameters are followed to the one value every call in the package passes
// (`go b.produce(ctx)` and `go b.consume(ctx)`), captured variables to what the closure is bound
// to; a different context (a shutdown context beside a request's) does not count. This is the
// drain started on cancellation that drains nothing, because the producer left on the same
// cancellation.
//
// WRONG (reported by default): the producer has left on ctx by the time the drain starts.
//
//	func (b *Batch) produce(ctx context.Context) {
//		for i, ch := range b.slots {
//			select {
//			case ch <- i:
//			case <-ctx.Done():
//				return
//			}
//		}
//	}
//	func (b *Batch) consume(ctx context.Context) {
//		for _, ch := range b.slots {
//			select {
//			case v := <-ch:
//				use(v)
//			case <-ctx.Done():
//				go func() {
//					for _, ch := range b.slots {
//						<-ch
//					}
//				}()
//				return
//			}
//		}
//	}
//
// RIGHT: do not start the drain, or have the producer close its channels when it leaves
// (`defer` a close of each slot), so the drain ends.
//
// Each finding is reported at the blocking operation, with the channel's make (or the other
// end's select cases, and the way out to watch) as related information. The package's SSA form
// is built only for packages that contain a make(chan).
//
// Orphaned channels, self-waits and stranded operations the goroutine could watch are reported
// by default; the other stranded operations only with -ctxdone.package-channels (see Flags).
//
// Known limits of these two checks:
//   - The value flow is unification: every struct's field is one channel, and two functions that
//     pass their own channels through one helper share them, so a partner anywhere in the
//     package silences the check (never the reverse).
//   - Partners in _test.go files are not visible to the package's non-test pass: a channel that
//     only tests receive from would look orphaned there. Test doubles live in _test.go files or in
//     helper files that import testing, whose findings are not made (include-tests); a test
//     double in a file that does not import testing is a known false positive.
//   - No facts: a channel passed to another package's function counts as handed out, even when
//     that function ignores it.
//   - Contexts are followed only as "Waits on a context nothing cancels" says: a cancel function
//     that a caller is expected to reach through a returned value (a transaction's Rollback that
//     the caller never makes) is not checked at the callers.
//   - Buffer occupancy along one path (a second send before the receiver starts) is not
//     checked.
//   - Stranded operations are checked only for channels kept in struct fields or package
//     variables (or in slices and maps kept there); local channels are the premature-return
//     check's. A struct kept in a package variable is a process-wide singleton: what its loops
//     strand when the process shuts down is not reported.
//   - Process-lifetime goroutines, as the spawn-site checks define them (see "Not reported"
//     above): in a command package (it imports a command-line framework or lies below a cmd
//     directory), and in package main when main, init or a function main runs once starts them, a
//     goroutine's orphaned, self-waiting or stranded operation, and its wait on a context nothing
//     cancels, are not reported: it waits only while the process exits (an interrupted prompt's
//     stdin reader: terraform's UIInput, held-out run 22). An operation outside any goroutine is
//     still reported: it hangs the command. -ctxdone.include-main reports them all.
//   - Whether the stranded goroutine could watch a way out kept in a field is decided by type: a
//     struct of the same type counts even when it is another value.
//
// # Waits on a context nothing cancels
//
// A goroutine that blocks on a plain `<-ctx.Done()` is released only when ctx is cancelled.
// When ctx is made by context.WithCancel(context.Background()) (or TODO()), only its cancel
// function can do that, and when that function is never called anywhere, or is called only after
// the very wait it should release (the goroutine's own cleanup calls it), the goroutine blocks
// forever. This is go vet's lostcancel carried through struct fields and parameters, and
// limited to the case where the leak is certain:
//   - the context reaches the wait through values the package fully sees: a parameter whose
//     every call in the package passes the same value (and which other packages cannot call),
//     or an unexported struct field stored exactly once (a local variable that a closure
//     captures is not followed);
//   - the cancel function is only ever called: kept in a local, a captured variable or an
//     unexported field, never returned, passed on or stored elsewhere (a cancel function handed
//     to a registry may be called by anyone);
//   - the parent is context.Background() or context.TODO(), reached the same way: a parent from
//     the caller may be cancelled, and WithTimeout or WithDeadline cancel themselves;
//   - the goroutine does not live as long as the process anyway (started from a function that
//     package main runs once, or kept in a struct a package variable holds, or a goroutine of a
//     command package: see the process-lifetime limit of the stranded operations above).
//
// WRONG: the only call of c.cancel runs after the wait it should release.
//
//	func (c *cursor) watch(ctx context.Context) {
//		ctx, c.cancel = context.WithCancel(ctx)
//		go c.awaitDone(ctx)
//	}
//	func (c *cursor) awaitDone(ctx context.Context) {
//		<-ctx.Done()
//		c.release() // calls c.cancel()
//	}
//	c.watch(context.Background())
//
// RIGHT: give the owner a Close that calls c.cancel(), and call it when done with the cursor.
//
// The finding is at the wait, with the WithCancel call and the cancel calls as related
// information. A select on ctx.Done() beside other cases is not checked: its other cases may
// be the way out.
//
// # Timer drains
//
// `if !t.Stop() { <-t.C }` drains a timer that fired before its value was received. In a loop
// that also receives from t.C in a select case that neither resets nor replaces the timer, the
// drain that follows that case finds Stop() false and nothing to receive: it blocks for good,
// with the timers of every Go version.
//
// WRONG:
//
//	for {
//		select {
//		case <-d.timer.C:
//			d.fire()
//		case <-d.reset:
//			if !d.timer.Stop() {
//				<-d.timer.C // blocks forever after the first case ran
//			}
//			d.timer.Reset(d.delay)
//		}
//	}
//
// RIGHT: reset the timer in the case that receives its value, or drain without blocking
// (`select { case <-d.timer.C: default: }`).
//
// Not reported: a case that leaves the loop (return, labelled break, goto, t.Fatal, log.Fatal,
// os.Exit, panic), a case that records the receive in a variable the drain's enclosing if tests
// (`case <-t.C: fired = true` ... `if !fired { if !t.Stop() { <-t.C } }`), a t.Reset on every
// way from the case to the drain (a Reset statement of the loop body between them, or right
// before the select whose other case holds the drain), a loop that makes a new timer every
// iteration, drains that are not the only
// statement of the `if`, and drains in _test.go files (a hanging test fails on its own).
//
// # Flags
//
//   - -ctxdone.include-main (golangci-lint setting include-main, default false): also report
//     goroutines started in command packages (and the package-wide checks' findings in their
//     goroutines), main.main and init functions, including never-ending
//     loops with no context in scope there, and in the functions of package main that run once per
//     process: those whose only reference in the package is one direct call, outside loops and
//     function literals, from main, init or another such function (main calls run() once; run
//     starts the daemon's goroutines). Their goroutines are stranded only while the process exits:
//     on the second held-out run all 5 findings of this kind were judged not wanted.
//   - -ctxdone.include-tests (golangci-lint setting include-tests, default false): also report
//     goroutines started in _test.go files, in test helpers (ordinary files that import a testing
//     package) and in test doubles (fake, mock, stub files and packages), and in packages under a
//     test or e2e directory. The package is analysed
//     either way, so facts and findings elsewhere are unchanged. Off by default since the first
//     held-out run (issue 10/16, analyzers/ctxdone/triage.md): all 6 findings in _test.go files on
//     projects nobody had tuned for were judged not wanted (an error-only send whose error arises
//     only when the code under test fails), where the tuning project (nomad) had suggested 12 of
//     15. Test helpers in ordinary files joined them after the third held-out run: a k6
//     browser-test helper whose goroutine is stranded only when its caller's require.NoError has
//     already failed.
//   - -ctxdone.package-channels (golangci-lint setting package-channels, default false): also
//     report the stranded operations whose goroutine could not have watched the way out its
//     partner takes (see "Stranded operations"; orphaned channels, self-waits, timer drains and
//     the watchable stranded operations are always on), and count the sends that fill a constant
//     buffer of a channel kept in a struct field. With it, GoKer recall is 18 of 23
//     orphaned-channel kernels (TestGoKer), 16 of 23 without it. Off by default since the first
//     held-out run: of its 5 stranded findings 1 was wanted, because a long-lived receiver loop
//     that leaves on its own ctx.Done() strands senders that never had that context only at
//     shutdown, which looks the same as the bugs it finds. The fourth held-out run found 9
//     findings, none wanted, of buffered field channels (one per registration, each sent on
//     once).
//   - -ctxdone.loops-any-context (golangci-lint setting loops-any-context, default false): report
//     every goroutine whose never-ending loop ignores a context in scope, also when the spawner
//     neither makes that context with a cancel function nor watches it (see "Loop that ignores
//     the context"). Off by default since held-out run 12: over runs 7-11 the never-ending loops
//     that ignore a context were wanted 1 time in 8 (spins on ctx.Done() left aside, which stay
//     on), the others process-lifetime workers whose context is never cancelled before the
//     process exits.
//   - -ctxdone.server-errors (golangci-lint setting server-errors, default false): also report a
//     goroutine whose every send on the channel carries the result of a Serve, ServeTLS,
//     ListenAndServe or ListenAndServeTLS call (`errCh <- srv.ListenAndServe()`, or an error
//     variable assigned from one), stranded when its spawner left through a stop case or an
//     early return. Serve returns only once the server is closed, and such a server runs once
//     per process: the goroutine is stranded while the process shuts down. Off by default since
//     session 8: by their judges' reasons, six unwanted premature-return findings of held-out
//     runs 2, 5, 6 and 20 were a server's error stranded at shutdown or start-up failure
//     (tailscale's k8s-proxy and API proxy, tile38's server, keda's metrics service, magistrala's
//     gRPC and HTTP servers), and none of this kind was wanted; the one tuning finding judged true
//     was a race at shutdown (navidrome). Held-out runs 21 and 22 ran with it (ctxdone 5 of 5
//     and 4 of 10 wanted); how many findings it silenced there was not counted. A goroutine that sends anything else on
//     the channel (a worker's Run result) is still reported.
//
// # Suppressing a finding
//
// Put `//goroguard:ignore ctxdone <reason>` on the line of the finding or the line above it. A
// directive without a reason is itself reported.
//
// # Known limits
//
//   - Process-lifetime spawners in libraries: a server's Start or Serve whose only early exit is
//     the process's shutdown context, or an error its callers in another package answer with
//     log.Fatal, strands the goroutine only while the process exits; without facts about the
//     callers it is reported like any other premature return (held-out runs 5 and 6: tile38
//     internal/server, keda pkg/metricsservice). The same holds for a library package whose only
//     callers are a CLI's commands: a leak on cancellation or a failed start lasts only until
//     the command exits (lima's pkg/instance, flyctl's ssh package, vcluster's pkg/cli and
//     portforward: held-out runs 17, 18 and 20). Held-out run 20 also found the first kind
//     three times (magistrala's gRPC and HTTP servers, ingress-nginx's nginx process: the Serve
//     error or cmd.Wait result sent after Start left through its stop case, once per process).
//     Since then a goroutine that only sends a Serve error is left out by default
//     (-ctxdone.server-errors); one that sends a child process's Wait result is still reported,
//     because a command run per request strands it on every cancelled request.
//     An analysis pass sees what a package calls, never who imports it.
//   - Loops that ignore their context are reported only with evidence in the spawner that the
//     context is cancelled while the process runs (see "Loop that ignores the context"). Before
//     that rule, held-out runs 7-11 found such loops wanted 1 time in 8: periodic flushers
//     started once on a Background-derived context from a helper (harbor's orm.Context()), a
//     signal handler on Main's Background context (AdGuard Home), a CLI's collectors (nerdctl).
//     The price is recall: a loop whose caller, in another function, cancels the context it
//     passes (rclone's StartTokenTicker, xray's pre-connect dialers) is reported only with
//     -ctxdone.loops-any-context, and a spin on ctx.Done() (a case that does not leave the loop)
//     is reported either way, also on a root context cancelled only as the process exits
//     (polaris, held-out run 11).
//   - Test harnesses outside _test.go files are recognised by their imports (testing, testify,
//     ginkgo, ...), their names (fake, mock, testutil, httptest-style helper packages) and test
//     or e2e directories only: a runner in internal/integration that imports the project's own
//     test framework package (mongo-go-driver's unified runner, held-out run 15) is checked like
//     production code, and a leak it has only after a test failed is reported. "integration"
//     also names integrations with other systems, so it is not a test directory.
//   - A flag that guards a drain (`if !drained { <-ch }`) is trusted to mean the value was
//     received: a configuration flag in that place (`if waitOnCancel { <-done }`) hides a leak
//     on the path where it is false.
//   - Invariants kept by protocol: a dispatcher that sends only to workers on its ready list
//     (lindb's pool), or a timeout that the registered callees never reach, are not known.
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
//     on or closes as its last action, or that a closer closes or sends one value on right after
//     the group's Wait (a closer doing anything else between, such as logging, is not matched);
//     an in-band signal (the error item of the same channel), a wg.Done called anywhere but in a
//     leading defer, or a signal from several goroutines counted by the spawner is not.
//   - Select cases that send on another channel are not followed as ways out: whether anyone
//     receives there is unknown.
//   - Receives in bounded loops (`for i := 0; i < n; i++ { <-ch }`) are not counted, so such
//     goroutines are not checked.
//   - Channels stored in struct fields, slices or maps, passed to other functions or returned
//     are not followed by pattern 3 (local channels only; fields are covered by the spin
//     check); the orphaned-channel and stranded-operation checks above follow them.
//   - Never-ending loops without a context in scope (or with only a local context.Background())
//     are not reported outside main/init, even when their owner has a Close that should stop
//     them (go-redis v8's Ring heartbeat); facts for named functions are computed only for
//     loops at the top level of their body.
//   - Goroutines blocked on something other than a channel (a mutex, a network read, a
//     sync.Cond) are out of scope.
//   - The after-failure rule knows the testing.TB methods and the assertion table above; a
//     project's own helper that fails the test is recognised only when it never returns (it
//     calls t.FailNow or t.Fatal unconditionally), and a failure decided by a condition the
//     check cannot evaluate (`require.NoError(t, err)`) does not end a path.
//   - Error-only sends are recognised syntactically: any closed check before the send in the
//     same loop iteration counts, whichever error it tests, and the spawner's Close of the
//     source counts wherever it is in the function (normally a defer). A reader that checks
//     only io.EOF while the spawner closes the reading end (which yields io.ErrClosedPipe or
//     net.ErrClosed) is taken as fine.
//   - Exclusive sends on several channels are recognised for function literals only, started
//     once, with no send in a loop; a named function's sends on two parameters are not
//     combined.
//   - Whether the handler under test still streams after the test stopped reading is not
//     known: a per-frame send is reported on an exit that never received a frame, and taken as
//     drained on an exit that received at least one. A reader that reports an in-band error
//     mid-stream (`errCh <- msg.Error; continue`) while the spawner leaves on that error is
//     reported: the reader goes on to its next per-frame send, and whether the peer stops
//     streaming after an error is not visible.
//
// # Cost
//
// Each finding quotes the measured cost of one parked goroutine from the suite's benchmarks;
// see https://github.com/goroguard/goroguard/blob/main/docs/costs.md for the table and the
// command that produced it.
//
// Cost table (generated by go test ./internal/costs -update):
// Measured by the suite's cost benchmarks on AMD EPYC, 2 CPUs, GOMAXPROCS=2, linux/amd64, cgo; go1.26.8 at load average 0.43 (`goroguard-costs -markdown`); late writes and Go 1.27: go1.26.8 and go1.27.3 interleaved, 5 runs each, load average 2.6–5.5 (`goroguard-costs -json`).
// Full tables, the spread over 8 runs (5 per Go release side by side) and the commands: https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
//	ctxdone/parked  each parked goroutine keeps 2.6 KiB (2 KiB stack, 602 B heap) and all it references, until exit (Go 1.26–1.27, amd64)
//	                BenchmarkCtxdoneParked
//	                BenchmarkCtxdoneLeak/leaky
//	                BenchmarkCtxdoneLeak/fixed
//	                BenchmarkCtxdoneRetained/leaky
//	                BenchmarkCtxdoneRetained/fixed
package ctxdone
