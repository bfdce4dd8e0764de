// Package asyncwrite defines an Analyzer that reports http.ResponseWriter and *http.Request used from goroutines that outlive the handler.
//
// # Analyzer asyncwrite
//
// asyncwrite: reports http.ResponseWriter and *http.Request used from goroutines that outlive the handler
//
// net/http finishes the response as soon as the handler returns: it flushes and recycles the
// response's buffers, closes the request body and removes multipart temporary files, and cancels
// the request's context. A goroutine the handler started and did not wait for keeps running
// after that, and whatever it does with the handler's values is a write into a finished (or
// another request's) response, a read from a closed body, or work cancelled half-way.
//
// asyncwrite looks at every goroutine a handler starts (a go statement, or a spawning call such
// as errgroup.Group.Go or sync.WaitGroup.Go) and reports the handler's values used inside it when
// the handler can return without waiting for that goroutine. The finding sits at the use inside
// the goroutine; its related positions are the go statement and the handler's returns (or the
// closing brace) reachable without a wait.
//
// # Handlers
//
// A handler is a function, method or function literal with an http.ResponseWriter and an
// *http.Request parameter: ServeHTTP methods, functions registered with http.HandleFunc, literals
// converted to http.HandlerFunc or passed to mux.HandleFunc-shaped APIs all have that signature.
// A function with a parameter of a configured framework context type (see handler-types) is a
// handler too. Goroutines started by any other function are not examined.
//
// # Writes through the ResponseWriter
//
// Any use of the writer inside the goroutine is reported: a method call (Write, WriteHeader,
// Header, a Flush through an http.Flusher assertion, http.NewResponseController), passing it to a
// function that takes an io.Writer or any other interface (fmt.Fprintf, json.NewEncoder,
// io.Copy, template Execute), or to a function known to use its ResponseWriter parameter
// (http.Error, helpers of this or another package, through a fact). Aliases count: out := w,
// f := w.(http.Flusher), rc := http.NewResponseController(w).
//
// WRONG:
//
//	func (s *Server) report(w http.ResponseWriter, r *http.Request) {
//		go func() {
//			json.NewEncoder(w).Encode(s.render()) // after the handler returned
//		}()
//		w.WriteHeader(http.StatusAccepted)
//	}
//
// RIGHT: wait for the goroutine on every path, or do not touch w in it:
//
//	var wg sync.WaitGroup
//	wg.Add(1)
//	go func() { defer wg.Done(); json.NewEncoder(w).Encode(s.render()) }()
//	wg.Wait()
//
// The hand-rolled timeout is the same bug: on timeout the handler returns while next may still
// be writing to w; http.TimeoutHandler exists for this.
//
//	go func() { next.ServeHTTP(w, r); close(done) }()
//	select {
//	case <-done:
//	case <-time.After(d): // returns while next writes to w
//	}
//
// Through calls: go helper(w, r) is reported when helper (in this package or another one; a fact
// carries the knowledge across packages) uses its ResponseWriter parameter. A function value or
// an interface method that takes the writer (go next.ServeHTTP(w, r), go h(w, r)) is assumed to
// write to it.
//
// # Reads of the request
//
// Reading the request body after the handler returned reads a closed body, and multipart files
// are removed. Reported inside the goroutine: r.Body, r.MultipartForm, r.MultipartReader,
// r.FormFile, and the form accessors r.FormValue, r.PostFormValue, r.ParseForm,
// r.ParseMultipartForm; also passing r to a function known to read them (go decode(r)); the
// message then names the function and where it reads ("decodeEvent reads r.Body"). The fields
// r.Form and r.PostForm are plain maps filled by an earlier parse: reading them never reads the
// body and is not reported. The form accessors are not reported when the handler already parsed the form
// (ParseForm, ParseMultipartForm, FormValue, PostFormValue or FormFile on r) before starting the
// goroutine: the goroutine then reads plain maps the server does not touch. Other request fields
// (URL, Header, Method, RemoteAddr) stay valid and are never reported. Requests made with
// r.WithContext and r.Clone share r's body and count as r.
//
// WRONG:
//
//	go func() { json.NewDecoder(r.Body).Decode(&ev); s.store(ev) }()
//
// RIGHT: read the body in the handler and hand the bytes (or the decoded value) over.
//
// # Detached work under the request's context
//
// r.Context() is cancelled the moment the handler returns, so detached work under it (or under
// a context derived from it: context.WithTimeout(r.Context(), d), errgroup.WithContext,
// trace.ContextWithSpan and any other call that returns a context from it) is cut short. What
// decides is what the goroutine does with the context. Reported: passing such a context to a call
// that does work with it (an HTTP request, a database call, a function of another package), or
// to a function of this package that does (directly or further down), storing it in a composite
// literal, and passing the request itself to a function of this package that does work under
// r.Context() (go func() { eventParams(r) }() where a callee passes r.Context() to an IAM lookup:
// the message says "which does work under the request's context (checkKeyValid passes
// r.Context() to iam.CheckKey)", naming the context and where, not the body). Also
// go work(r.Context()): the argument is evaluated before the goroutine starts, but it is still
// the request's context.
//
// Not reported: a goroutine that uses the context only to stop when the client goes away, which
// is what the request context is for: <-ctx.Done() alone or in a select (beside a send, a default
// case, a timer or anything else), ctx.Err() checks, ctx.Value and ctx.Deadline, and passing it
// only to calls that merely observe the cancellation or read values (context.Cause,
// context.AfterFunc, log/slog's *Context, Log and LogAttrs functions and Logger methods,
// OpenTelemetry's metric instruments (Int64Counter.Add, Float64Histogram.Record and the other
// counters, histograms and gauges of go.opentelemetry.io/otel/metric read the span and baggage
// out of it and record the same once it is cancelled), and
// functions of this package that do no more than the above with it: func (b *Tracer)
// Publish(ctx, ...) { select { case <-ctx.Done(): default: b.send(ev) } });
// a handler that waits for the goroutine on some path (it wants the result, and where it returns
// early, on an error or a timeout, cancelling the abandoned work is the point); a handler that
// returns only once the request's context is done (<-r.Context().Done(), or a select case on it,
// on every path after the go statement: a server-sent-events loop that keeps the connection until
// the client leaves), since the context is then cancelled by the client, not by the return;
// reading values out of it (ctx.Value, one-argument extractors such as
// trace.SpanFromContext), formatting it, a callee of this package that does not use its
// context parameter for work, and contexts made with context.WithoutCancel. A variable assigned
// both a request-derived context and something else (ctx = context.WithoutCancel(ctx) on one
// branch) is not tracked.
//
// A function of another package is taken to do work with a context it is given, unless its fact
// says its context parameter is quiet: every use of it reads values and nothing else (ctx.Value,
// passing it on to a quiet parameter, slog's context logging, a comparison with nil), or it is
// never used. This is the data layer behind a middleware that stores a database handle in the
// request's context: (&schema.Host{}).ListAll(r.Context()) whose ListAll runs
// db.FromContext(ctx).Find(...) loses nothing when the handler returns. A function that also
// attaches the context to its query (db.FromContext(ctx).WithContext(ctx)), stores it, derives a
// context from it, or watches its Done channel is not quiet. Facts are computed for every package
// that imports "context", so this holds for callees anywhere in the build.
//
// WRONG:
//
//	go s.audit.Record(r.Context(), ev)
//
// RIGHT (Go 1.21):
//
//	go s.audit.Record(context.WithoutCancel(r.Context()), ev)
//
// When the reported expression is r.Context() itself, a suggested fix wraps it in
// context.WithoutCancel; it is offered only when the file's Go version is at least go1.21 and
// the file imports "context" under its own name. No fix is offered for a variable holding the
// request context: it usually also serves the handler's own work.
//
// # What counts as waiting
//
// The handler's control-flow graph is walked from the spawn to every return; a path is waited
// on when it passes one of these (also in a deferred call, which covers every path):
//
//   - a receive (<-ch, a select case, a range loop that ends) from a channel the goroutine refers
//     to, or from a channel that is not a local variable of the handler (a field, a global, a
//     parameter: the goroutine may signal it through code asyncwrite does not see);
//   - any method call named Wait (wg.Wait, g.Wait, cond.Wait, pool.Wait);
//   - a call given a channel, WaitGroup or group the goroutine refers to (waitFor(done));
//   - leaving a loop whose body waits (for range items { <-results }): the CFG cannot count
//     iterations, and a loop that runs zero times had nothing to wait for.
//
// Consuming the goroutine's output is waiting for it. A goroutine that sends its results on a
// channel and closes the channel when it is done (defer close(ch), or close(ch) as its last
// statement) is waited for by a handler that drains the channel until the close: for v := range
// ch { ... } with no way out of the loop, or for { v, ok := <-ch; if !ok { return } ... } (the
// !ok branch has seen the close). A drain that can stop early counts as waiting for the
// request-context use only: a consume loop that returns or breaks on an error value, and a
// callback given to a call (a framework's streaming API, which stops calling it when the client
// goes away: gin's c.Stream(func(w io.Writer) bool { v, ok := <-ch; if !ok { return false }
// ... })). The goroutine then goes on under a cancelled request context, which is what the
// context is for; its writes to the response can still come after the handler returned, and are
// reported.
//
//	ch := make(chan any)
//	go func() {
//		defer close(ch)
//		s.llm.Completion(c.Request.Context(), prompt, func(t Token) { ch <- t }) // not reported
//	}()
//	c.Stream(func(w io.Writer) bool {
//		t, ok := <-ch
//		if !ok {
//			return false
//		}
//		return json.NewEncoder(w).Encode(t) == nil
//	})
//
// A consumer goroutine (go drain(ch), g.Go(func() error { for range ch {} })) is not the handler
// waiting.
//
// For a goroutine started in a loop (one per item), a receive inside another loop's body waits
// for one goroutine only: a return from that loop body after the first error is a return
// without waiting for the others, and is reported.
//
// Waits through closures count:
//
//   - a call of a local closure that waits (wait := func() { wg.Wait() }; ...; wait(), or
//     defer wait()), and an immediately invoked one;
//   - a return that hands back a closure waiting for the goroutine (the keep-alive helper: go
//     func() { defer close(doneCh); ... w.Write(...) }(); return func(err error) { doneCh <- err;
//     <-doneCh }). The wait is then the callers' job: every call of the helper in the package must
//     call the returned closure on every path before returning (done := keepAlive(w, r);
//     done(s.put(...)), defer done(err), keepAlive(w, r)(err)); a caller that hands the closure on
//     (returns, stores or passes it) is taken to call it. The first caller that can return without
//     calling it is reported, at the goroutine's use, with that caller's returns as related
//     positions ("but handler badPut (through the wait function keepAlive returns, not called on
//     every path) can return without waiting for it"). A helper with no caller in its package is
//     taken at its word. A returned closure that does not wait (return func() { close(quit) }) is
//     no wait: close, len and other builtins never count as waits.
//
// This is deliberately generous: a wait asyncwrite cannot tie to the goroutine still counts, and
// the goroutine is not reported. Paths that end in panic or another call that does not return
// are not returns. A handler whose CFG has more than 5000 blocks is skipped.
//
// # Not reported
//
//   - Values copied out of w and r before the goroutine starts (id := r.URL.Query().Get("id"),
//     h := w.Header().Get("X")) and only the copies used.
//   - After a Hijack call or a websocket upgrade (upgrader.Upgrade(w, r, h), websocket.Accept(w,
//     r, opts)) in the handler: the goroutine talks to the connection, and the handler returns
//     when the connection ends, so the request context's cancellation is the goroutine's
//     teardown; neither writes nor the request context are reported there.
//   - A framework context (gin.Context) handed to a callee that takes it as a context.Context:
//     the callee uses it for values and cancellation, not to write the response.
//   - Writes to other writers (a buffer, a log, a websocket connection from an upgrader).
//   - Goroutines started by functions that are not handlers.
//
// # Flags
//
//	-asyncwrite.handler-types=github.com/gin-gonic/gin.Context,github.com/labstack/echo/v4.Context
//
// Comma-separated qualified names of framework context types whose values act as both the
// response writer and the request (golangci-lint setting "handler-types"; the value replaces the
// default list, which is the one shown). A function with a parameter of such a type, or a pointer
// to it, is a handler. Both gin and echo recycle the context for another request once the handler
// returns, so every use of the parameter inside a goroutine the handler does not wait for is
// reported: any method call on it (c.JSON, c.Param, c.Request.Context(), even c.Copy()), any field
// read, passing it on. The fix is to copy what the goroutine needs first (gin: c.Copy() before
// the go statement). A request or context reached through it (c.Request, c.Request.Context())
// is tracked as the request and the request context. A goroutine that uses the framework
// context only to take the request's context (gin: c.Request.Context(); echo:
// c.Request().Context()) is treated like one using r.Context(): where the handler waits for it
// on some path (a consume loop, a streaming callback, a select with a timeout), the use is not
// reported.
//
// # Suppressing a finding
//
// A finding that is safe for a reason asyncwrite cannot see is suppressed with a directive on its
// line or the line above; the reason is required:
//
//	//goroguard:ignore asyncwrite the response was taken over by the streaming hub
//
// # Known limits
//
//   - The writer or request stored in a struct (a wrapper, a job queued to a worker pool) is not
//     followed: go job.run() with the writer inside job is not reported.
//   - Goroutines started through helpers (spawnAsync(func() { ... })) or worker pools other than
//     the spawn table (errgroup, sync.WaitGroup.Go, conc) are not examined.
//   - A function value or interface method given the request (not the writer) is assumed not to
//     read its body.
//   - Waits are matched generously (see above), so a handler that waits for something else
//     before returning hides a goroutine that really outlives it; a single goroutine's one
//     receive counts as its whole wait.
//   - Waiting that happens through other means (reading a pipe or cache entry the goroutine
//     closes when done) is invisible: such a goroutine is reported if it uses the writer.
//   - A break out of a range over the goroutine's output channel counts as the channel being
//     closed, and a call given the channel (streamResponse(c, ch)) is taken to drain it to the
//     close: a goroutine's write after such an early stop is missed.
//   - A request handed to the goroutine through a channel or a struct is not followed.
//   - Another package's function is assumed to do work with a context it is given unless its
//     fact says the parameter is quiet (values only, strictly): a project's logging helper in
//     another package that reads a trace id through its own logger, or checks ctx.Err(), counts
//     as work. A request passed to another package's function is assumed not to be used for its
//     context. Interface methods and function values are judged by their shape only.
//   - A helper returning a wait closure is checked at its callers in its own package only.
//
// # Cost
//
// What a write after the handler returned does on a real loopback server (lost writes, panics,
// race reports) and what a cancelled request context does to detached work are measured by the
// suite's cost benchmarks, quoted at the end of each message, and tabled in
// https://github.com/goroguard/goroguard/blob/main/docs/costs.md (sections asyncwrite-late-write
// and asyncwrite-request-context).
//
// Cost table (generated by go test ./internal/costs -update):
// Measured by the suite's cost benchmarks on AMD EPYC, 2 CPUs, GOMAXPROCS=2, linux/amd64, cgo; go1.26.8 at load average 0.43 (`goroguard-costs -markdown`); late writes and Go 1.27: go1.26.8 and go1.27.3 interleaved, 5 runs each, load average 2.6–5.5 (`goroguard-costs -json`).
// Full tables, the spread over 8 runs (5 per Go release side by side) and the commands: https://github.com/goroguard/goroguard/blob/main/docs/costs.md.
//
//	asyncwrite/late-write       after a Flush, late writes crashed the server in 131 of 200 runs at 200 concurrent requests; without, 100% were lost
//	                            BenchmarkAsyncwriteLateWrite/leaky-flushed-load=200
//	                            BenchmarkAsyncwriteLateWrite/leaky-flushed-load=50
//	                            BenchmarkAsyncwriteLateWrite/leaky-load=200
//	                            BenchmarkAsyncwriteLateWrite/fixed-load=200
//	asyncwrite/request-context  r.Context() was cancelled 8 µs (p50) after the handler returned; 100% of the background work aborted
//	                            BenchmarkAsyncwriteRequestContext/leaky
//	                            BenchmarkAsyncwriteRequestContext/fixed
package asyncwrite
