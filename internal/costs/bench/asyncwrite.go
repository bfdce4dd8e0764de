package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The asyncwrite shapes.
const (
	ShapeLeaky        = "leaky"         // the reported shape
	ShapeLeakyFlushed = "leaky-flushed" // the reported shape in a streaming handler that flushed first
	ShapeFixed        = "fixed"         // the fix
)

// defaultConns is the number of client connections sending requests at once when a Spec gives none.
const defaultConns = 4

// lateLineBytes is the size of each late write: a marker naming the request, padded, as a
// streaming handler's 100-byte event would be.
const lateLineBytes = 100

// lineCounter counts the lines written to it: the server's error log.
type lineCounter struct {
	mu    sync.Mutex
	lines int
	first string
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lines == 0 {
		c.first = string(bytes.TrimSpace(p))
	}
	c.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// sendRequests sends n GET requests with ?id=0..n-1 to baseURL from conns client connections at
// once (loopback only: callers pass a 127.0.0.1 URL) and calls check with each body, nil for a
// request that failed. It returns the number of requests that failed.
func sendRequests(client *http.Client, baseURL string, conns, n int, check func(id int, body []byte)) (clientErrs int) {
	ids := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for id := range ids {
				resp, err := client.Get(baseURL + "/?id=" + strconv.Itoa(id))
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				if err != nil {
					clientErrs++
				}
				check(id, body)
				mu.Unlock()
			}
		})
	}
	for id := range n {
		ids <- id
	}
	close(ids)
	wg.Wait()
	return clientErrs
}

// loopbackClient is a client that keeps up to conns idle connections, so that conns concurrent
// requests reuse their connections as a browser or a proxy does.
func loopbackClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	tr.MaxIdleConns = conns
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// serveLoopback starts handler on a loopback server (127.0.0.1, an ephemeral port) in this
// process, sends n requests from defaultConns client connections, and calls check with each body.
func serveLoopback(handler http.HandlerFunc, n int, check func(id int, body []byte)) (clientErrs int, serverLog *lineCounter, err error) {
	serverLog = &lineCounter{}
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.ErrorLog = log.New(serverLog, "", 0)
	srv.Start()
	defer srv.Close()
	client := loopbackClient(defaultConns)
	defer client.CloseIdleConnections()
	return sendRequests(client, srv.URL, defaultConns, n, check), serverLog, nil
}

var lateMarker = regexp.MustCompile(`late-(\d{6})`)

// lateLine is the late write of request id: lateLineBytes bytes starting with its marker.
func lateLine(id int) string {
	s := fmt.Sprintf("late-%06d ", id)
	return s + strings.Repeat("x", lateLineBytes-len(s)-1) + "\n"
}

const listenPrefix = "GOROGUARD-COSTS-LISTEN "

// lateWriteServer is the child side of the late-write measurement: a loopback HTTP server whose
// handler writes a head line, then starts a goroutine that writes a late line. In the leaky
// shapes the handler returns at once and the goroutine writes Size µs later, with no recover, as
// real code does: a panic there takes this process down, and the parent counts the crash. In the
// fixed shape the handler waits for the goroutine. The server prints its address on standard
// output, serves until standard input is closed (the parent's client is done), then waits for the
// late goroutines and reports what they saw.
func lateWriteServer(s Spec) (Result, error) {
	var r Result
	fixed, flush, err := lateShape(s)
	if err != nil {
		return r, err
	}
	if _, child := os.LookupEnv(childEnv); !child {
		return r, errors.New("late write: the server runs in a child process, whose crash is a result: use Run")
	}
	delay := time.Duration(s.Size) * time.Microsecond
	var (
		late                        sync.WaitGroup
		handled, spawned, attempted atomic.Int64
		afterReturn                 atomic.Int64
		writeErrs, shortWrs         atomic.Int64
		firstErr                    atomic.Value
	)
	handler := func(w http.ResponseWriter, req *http.Request) {
		handled.Add(1)
		id, _ := strconv.Atoi(req.URL.Query().Get("id"))
		fmt.Fprintf(w, "head-%06d\n", id)
		if flush {
			// A streaming handler: the head goes out at once, the response is chunked.
			w.(http.Flusher).Flush()
		}
		returned := make(chan struct{})
		done := make(chan struct{})
		var handlerReturned atomic.Bool
		// A plain go statement with no recover, as real code has: sync.WaitGroup.Go would recover
		// and re-panic, which changes nothing but the trace.
		late.Add(1)
		spawned.Add(1)
		go func() {
			defer late.Done()
			defer close(done)
			if !fixed {
				<-returned
				time.Sleep(delay)
			}
			attempted.Add(1)
			if handlerReturned.Load() {
				afterReturn.Add(1)
			}
			line := lateLine(id)
			//goroguard:ignore asyncwrite the late write after return is the shape this benchmark measures
			nw, err := io.WriteString(w, line)
			if err != nil {
				writeErrs.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			} else if nw < len(line) {
				shortWrs.Add(1)
			}
		}()
		if fixed {
			<-done
		}
		handlerReturned.Store(true)
		close(returned)
	}
	serverLog := &lineCounter{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return r, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(handler), ErrorLog: log.New(serverLog, "", 0), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(os.Stdout, "%s%s\n", listenPrefix, ln.Addr())
	io.Copy(io.Discard, os.Stdin) // until the parent's client is done
	waited := make(chan struct{})
	go func() { late.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		return r, errors.New("late write: late goroutines still blocked 10 s after the last response")
	}
	srv.Close()
	// Compare with the goroutines started, not the requests handled: under heavy load the client
	// can be done while a handler has counted its request but not yet started its goroutine, and
	// late.Wait does not wait for that one (a flake seen at load average 6).
	h, n := handled.Load(), spawned.Load()
	switch {
	case attempted.Load() != n:
		return r, fmt.Errorf("late write %s: %d of %d late writes ran", s.Shape, attempted.Load(), n)
	case !fixed && afterReturn.Load() != n:
		return r, fmt.Errorf("late write %s: only %d of %d late writes came after the handler returned", s.Shape, afterReturn.Load(), n)
	}
	r.Add("requests-handled", float64(h))
	r.Add("late-write-errors", float64(writeErrs.Load()+shortWrs.Load()))
	r.Add("server-log-lines", float64(serverLog.lines))
	if e, _ := firstErr.Load().(string); e != "" {
		r.Note("first error returned to a late write: %s", e)
	}
	if serverLog.first != "" {
		r.Note("first server log line: %s", serverLog.first)
	}
	return r, nil
}

// lateShape checks a late-write Spec and decodes its shape.
func lateShape(s Spec) (fixed, flush bool, err error) {
	if s.N <= 0 || s.N > 999999 {
		return false, false, errors.New("late write: N must be in 1..999999")
	}
	fixed = s.Shape == ShapeFixed
	flush = s.Shape == ShapeLeakyFlushed
	if !fixed && !flush && s.Shape != ShapeLeaky {
		return false, false, fmt.Errorf("late write: unknown shape %q", s.Shape)
	}
	return fixed, flush, nil
}

// runLateWrite is the parent side of the late-write measurement: it starts the server in the child
// process cmd, sends the N requests from s.Conns connections at once (defaultConns if 0), checks
// every body for its own and other requests' late lines, then closes the child's standard input
// and waits for it. A child that died of a panic is a crashed run, not an error: the late
// goroutine's panic took the server down, and the requests still in flight or not yet sent failed.
func runLateWrite(ctx context.Context, cmd *exec.Cmd, s Spec, start time.Time) (r Result, stderr string, err error) {
	fixed, _, err := lateShape(s)
	if err != nil {
		return r, "", err
	}
	n := s.N
	conns := s.Conns
	if conns <= 0 {
		conns = defaultConns
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return r, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return r, "", err
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		return r, "", err
	}
	lines := make(chan string)
	//goroguard:ignore ctxdone addr stays empty only when the range below ended, that is after lines was closed
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var addr string
	for l := range lines {
		if a, ok := strings.CutPrefix(l, listenPrefix); ok && a != "" {
			addr = a
			break
		}
	}
	if addr == "" {
		stdin.Close()
		werr := cmd.Wait()
		return r, errb.String(), fmt.Errorf("%s %s: child did not start its server: %v: %s", s.Case, s.Shape, werr, lastLine(errb.String()))
	}

	delivered := make([]bool, n)
	seen := make([]int, n) // responses in which id's late line appeared
	var headMissing, foreign, received int
	check := func(id int, body []byte) {
		received += len(body)
		if !bytes.Contains(body, fmt.Appendf(nil, "head-%06d\n", id)) {
			headMissing++
		}
		for _, m := range lateMarker.FindAllSubmatch(body, -1) {
			other, _ := strconv.Atoi(string(m[1]))
			if other == id {
				delivered[id] = true
			} else {
				foreign++
			}
			if other < n {
				seen[other]++
			}
		}
	}
	client := loopbackClient(conns)
	clientErrs := sendRequests(client, "http://"+addr, conns, n, check)
	client.CloseIdleConnections()
	stdin.Close()

	var child *Result
	for l := range lines {
		if rest, ok := strings.CutPrefix(l, resultPrefix); ok {
			child = new(Result)
			if err := json.Unmarshal([]byte(rest), child); err != nil {
				return r, errb.String(), fmt.Errorf("%s: decoding child result: %v", s.Case, err)
			}
		}
	}
	werr := cmd.Wait()
	stderr = errb.String()
	panicMsg, frames := goPanic(stderr)
	crashed := child == nil && panicMsg != ""
	if child == nil && !crashed {
		if werr == nil {
			werr = errors.New("child printed no result")
		}
		return r, stderr, fmt.Errorf("%s %s: child: %v: %s", s.Case, s.Shape, werr, lastLine(stderr))
	}

	var ok, misdirected, lost int
	for id := range n {
		switch {
		case delivered[id]:
			ok++
		case seen[id] > 0:
			misdirected++
		default:
			lost++
		}
	}
	if fixed && (ok != n || headMissing > 0 || crashed) {
		return r, stderr, fmt.Errorf("late write fixed: %d of %d late lines delivered, %d heads missing, crashed %v", ok, n, headMissing, crashed)
	}
	pct := func(k int) float64 { return 100 * float64(k) / float64(n) }
	r.Add("late-delivered-%", pct(ok))
	r.Add("late-lost-%", pct(lost))
	r.Add("late-misdirected-%", pct(misdirected))
	r.Add("crashed-runs-%", pct(map[bool]int{true: n}[crashed]))
	r.Add("requests-failed-%", pct(clientErrs))
	r.Add("foreign-lines/request", per(int64(foreign), n))
	r.Add("head-missing-%", pct(headMissing))
	r.Add("lost-B/request", per(int64(n*(len("head-000000\n")+lateLineBytes)-received), n))
	if child != nil {
		// Only a server that survived can say what its late writes returned.
		r.Add("late-write-errors-%", pct(int(child.metric("late-write-errors"))))
		r.Add("server-log-lines", child.metric("server-log-lines"))
		r.Notes = append(r.Notes, child.Notes...)
	}
	r.Note("%d requests from %d connections, %s, late write of %d B %v after return: %d delivered, %d lost, %d misdirected, %d foreign lines, %d requests failed, server crashed: %v",
		n, conns, s.Shape, lateLineBytes, time.Duration(s.Size)*time.Microsecond, ok, lost, misdirected, foreign, clientErrs, crashed)
	if crashed {
		r.Note("the server crashed: %s, in %s", panicMsg, strings.Join(frames, " called from "))
	}
	r.Spec = s
	r.Elapsed = time.Since(start)
	return r, stderr, nil
}

func (r *Result) metric(unit string) float64 { v, _ := r.Get(unit); return v }

// goPanic finds the first Go panic in a crashed program's standard error: its message and the
// functions of the top frames of the panicking goroutine, runtime frames left out.
func goPanic(stderr string) (msg string, frames []string) {
	i := strings.Index(stderr, "panic: ")
	if i < 0 || (i > 0 && stderr[i-1] != '\n') {
		return "", nil
	}
	rest := stderr[i:]
	msg, rest, _ = strings.Cut(rest, "\n")
	msg = strings.TrimPrefix(msg, "panic: ")
	if j := strings.Index(rest, "\ngoroutine "); j >= 0 {
		rest = rest[j+1:]
	}
	for l := range strings.Lines(rest) {
		l = strings.TrimSpace(l)
		if l == "" {
			break
		}
		if strings.HasPrefix(l, "goroutine ") || strings.HasPrefix(l, "/") || strings.HasPrefix(l, "runtime.") || strings.HasPrefix(l, "panic(") {
			continue
		}
		// The arguments start at the first parenthesis not preceded by a dot ("pkg.(*T).M(0x...)").
		fn := l
		for k := 1; k < len(l); k++ {
			if l[k] == '(' && l[k-1] != '.' {
				fn = l[:k]
				break
			}
		}
		frames = append(frames, fn)
		if len(frames) == 4 {
			break
		}
	}
	return msg, frames
}

// requestContext serves N requests whose handler starts a goroutine that does Size µs of work
// under a context and returns. In the leaky shape the context is r.Context(); in the fixed shape it
// is context.WithoutCancel(r.Context()). The goroutine records whether the context was cancelled
// before the work finished, and how long after the handler returned.
func requestContext(s Spec) (Result, error) {
	var r Result
	n := s.N
	fixed := s.Shape == ShapeFixed
	if !fixed && s.Shape != ShapeLeaky {
		return r, fmt.Errorf("request context: unknown shape %q", s.Shape)
	}
	work := time.Duration(s.Size) * time.Microsecond
	var (
		bg                   sync.WaitGroup
		mu                   sync.Mutex
		cancelAfter          []time.Duration
		completed, wrongErrs atomic.Int64
	)
	handler := func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		if fixed {
			ctx = context.WithoutCancel(ctx)
		}
		returnedAt := make(chan time.Time, 1)
		bg.Go(func() {
			t := time.NewTimer(work)
			defer t.Stop()
			select {
			case <-ctx.Done():
				d := time.Since(<-returnedAt)
				if !errors.Is(ctx.Err(), context.Canceled) {
					wrongErrs.Add(1)
				}
				mu.Lock()
				cancelAfter = append(cancelAfter, d)
				mu.Unlock()
			case <-t.C:
				if ctx.Err() == nil {
					completed.Add(1)
				}
			}
		})
		io.WriteString(w, "ok\n")
		returnedAt <- time.Now()
	}
	clientErrs, _, err := serveLoopback(handler, n, func(int, []byte) {})
	if err != nil {
		return r, err
	}
	bg.Wait()
	cancelled := len(cancelAfter)
	switch {
	case clientErrs > 0:
		return r, fmt.Errorf("request context %s: %d client errors", s.Shape, clientErrs)
	case fixed && completed.Load() != int64(n):
		return r, fmt.Errorf("request context fixed: only %d of %d goroutines finished their work", completed.Load(), n)
	case !fixed && int64(cancelled)+completed.Load() != int64(n):
		return r, fmt.Errorf("request context leaky: %d cancelled + %d completed != %d", cancelled, completed.Load(), n)
	}
	slices.Sort(cancelAfter)
	q := func(f float64) float64 {
		if len(cancelAfter) == 0 {
			return 0
		}
		return us(cancelAfter[min(len(cancelAfter)-1, int(f*float64(len(cancelAfter))))])
	}
	pct := func(k int64) float64 { return 100 * float64(k) / float64(n) }
	r.Add("work-cancelled-%", pct(int64(cancelled)))
	r.Add("work-completed-%", pct(completed.Load()))
	r.Add("cancel-after-return-p50-µs", q(0.5))
	r.Add("cancel-after-return-p99-µs", q(0.99))
	r.Add("cancel-not-Canceled-%", pct(wrongErrs.Load()))
	r.Note("%d requests, %s, %v of work each: %d cancelled (ctx.Err() == context.Canceled, p50 %.0f µs after the handler returned), %d completed",
		n, s.Shape, work, cancelled, q(0.5), completed.Load())
	return r, nil
}
