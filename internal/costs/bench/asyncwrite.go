package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
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

// lateConcurrency is the number of client connections sending requests at once.
const lateConcurrency = 4

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

// serveLoopback starts handler on a loopback server (127.0.0.1, an ephemeral port), sends n GET
// requests with ?id=0..n-1 from lateConcurrency client connections, and calls check with each body.
func serveLoopback(handler http.HandlerFunc, n int, check func(id int, body []byte)) (clientErrs int, serverLog *lineCounter, err error) {
	serverLog = &lineCounter{}
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.ErrorLog = log.New(serverLog, "", 0)
	srv.Start()
	defer srv.Close()
	client := srv.Client()
	client.Timeout = 10 * time.Second
	if tr, ok := client.Transport.(*http.Transport); ok {
		tr.MaxIdleConnsPerHost = lateConcurrency
	}
	ids := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range lateConcurrency {
		wg.Go(func() {
			for id := range ids {
				resp, err := client.Get(srv.URL + "/?id=" + strconv.Itoa(id))
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
	return clientErrs, serverLog, nil
}

var lateMarker = regexp.MustCompile(`late-(\d{6})`)

// lateWrite serves N requests whose handler writes a head line, then starts a goroutine that writes a
// second, late line. In the leaky shape the handler returns at once and the goroutine writes Size µs
// later; in the fixed shape the handler waits for the goroutine. The client checks every body: did
// the late line arrive, in which response, and what did the late goroutine see (errors, panics).
func lateWrite(s Spec) (Result, error) {
	var r Result
	n := s.N
	if n <= 0 || n > 999999 {
		return r, errors.New("late write: N must be in 1..999999")
	}
	fixed := s.Shape == ShapeFixed
	flush := s.Shape == ShapeLeakyFlushed
	if !fixed && !flush && s.Shape != ShapeLeaky {
		return r, fmt.Errorf("late write: unknown shape %q", s.Shape)
	}
	delay := time.Duration(s.Size) * time.Microsecond
	var (
		late                        sync.WaitGroup
		attempted, afterReturn      atomic.Int64
		panics, writeErrs, shortWrs atomic.Int64
		firstPanic, firstErr        atomic.Value
	)
	handler := func(w http.ResponseWriter, req *http.Request) {
		id, _ := strconv.Atoi(req.URL.Query().Get("id"))
		fmt.Fprintf(w, "head-%06d\n", id)
		if flush {
			// A streaming handler: the head goes out at once, the response is chunked.
			w.(http.Flusher).Flush()
		}
		returned := make(chan struct{})
		done := make(chan struct{})
		var handlerReturned atomic.Bool
		late.Go(func() {
			defer close(done)
			defer func() {
				if e := recover(); e != nil {
					panics.Add(1)
					firstPanic.CompareAndSwap(nil, fmt.Sprint(e))
				}
			}()
			if !fixed {
				<-returned
				time.Sleep(delay)
			}
			attempted.Add(1)
			if handlerReturned.Load() {
				afterReturn.Add(1)
			}
			line := fmt.Sprintf("late-%06d\n", id)
			nw, err := io.WriteString(w, line)
			if err != nil {
				writeErrs.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			} else if nw < len(line) {
				shortWrs.Add(1)
			}
		})
		if fixed {
			<-done
		}
		handlerReturned.Store(true)
		close(returned)
	}

	delivered := make([]bool, n)
	seen := make([]int, n) // responses in which id's late line appeared
	var headMissing, foreign, received, intended int
	check := func(id int, body []byte) {
		received += len(body)
		intended += len("head-000000\n") + len("late-000000\n")
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
	clientErrs, serverLog, err := serveLoopback(handler, n, check)
	if err != nil {
		return r, err
	}
	waited := make(chan struct{})
	go func() { late.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		return r, errors.New("late write: late goroutines still blocked 10 s after the last response")
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
	switch {
	case attempted.Load() != int64(n):
		return r, fmt.Errorf("late write %s: %d of %d late writes ran", s.Shape, attempted.Load(), n)
	case !fixed && afterReturn.Load() != int64(n):
		return r, fmt.Errorf("late write leaky: only %d of %d late writes came after the handler returned", afterReturn.Load(), n)
	case fixed && (ok != n || headMissing > 0):
		return r, fmt.Errorf("late write fixed: %d of %d late lines delivered, %d heads missing", ok, n, headMissing)
	}
	pct := func(k int64) float64 { return 100 * float64(k) / float64(n) }
	r.Add("late-delivered-%", pct(int64(ok)))
	r.Add("late-lost-%", pct(int64(lost)))
	r.Add("late-misdirected-%", pct(int64(misdirected)))
	r.Add("foreign-lines/request", per(int64(foreign), n))
	r.Add("head-missing-%", pct(int64(headMissing)))
	r.Add("lost-B/request", per(int64(intended-received), n))
	r.Add("late-panics-%", pct(panics.Load()))
	r.Add("late-write-errors-%", pct(writeErrs.Load()+shortWrs.Load()))
	r.Add("client-errors-%", pct(int64(clientErrs)))
	r.Add("server-log-lines", float64(serverLog.lines))
	r.Note("%d requests, %s, late write %v after return: %d delivered, %d lost, %d misdirected, %d foreign lines, %d panics, %d write errors, %d client errors, %d server log lines",
		n, s.Shape, delay, ok, lost, misdirected, foreign, panics.Load(), writeErrs.Load()+shortWrs.Load(), clientErrs, serverLog.lines)
	if p, _ := firstPanic.Load().(string); p != "" {
		r.Note("first panic in a late goroutine: %s", p)
	}
	if e, _ := firstErr.Load().(string); e != "" {
		r.Note("first error returned to a late write: %s", e)
	}
	if serverLog.first != "" {
		r.Note("first server log line: %s", serverLog.first)
	}
	return r, nil
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
