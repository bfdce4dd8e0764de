package a

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

type Job struct{ ID int }

func handle(Job) {}

// consume starts one goroutine per job received from the channel. Nobody in the package feeds
// the channel from input: unknown origin, silent by default.
func consume(jobs <-chan Job) { // want consume:"spawns per item of jobs"
	for j := range jobs {
		go handle(j) // unknown origin: reported only with report-unknown-sources (package unknown)
	}
}

// startWorkers is the near miss: a worker pool of GOMAXPROCS goroutines that read the shared
// channel.
func startWorkers(jobs <-chan Job) {
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for j := range jobs {
				handle(j)
			}
		}()
	}
}

// startN is a worker pool whose size the caller chooses: a counted loop, not reported.
func startN(n int, jobs <-chan Job) {
	for i := 0; i < n; i++ {
		go func() {
			for j := range jobs {
				handle(j)
			}
		}()
	}
}

type Mailbox struct {
	inbox chan Job
	tick  *time.Ticker
}

// Loop starts a goroutine per message received in a select. The inbox field is not fed from
// input in this package: unknown origin, silent by default.
func (m *Mailbox) Loop(ctx context.Context) {
	for {
		select {
		case msg := <-m.inbox:
			go handle(msg) // unknown origin: reported only with report-unknown-sources (package unknown)
		case <-m.tick.C:
			go flush() // periodic work on a tick, not per item
		case <-ctx.Done():
			return
		}
	}
}

func flush() {}

// LoopAcquire takes a semaphore slot before spawning: bounded.
func (m *Mailbox) LoopAcquire(ctx context.Context, sem *semaphore.Weighted) {
	for {
		msg, ok := <-m.inbox
		if !ok {
			return
		}
		if err := sem.Acquire(ctx, 1); err != nil {
			return
		}
		go func() {
			defer sem.Release(1)
			handle(msg)
		}()
	}
}

// ProcessLines starts one goroutine per line of input.
func ProcessLines(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		go processLine(line) // want `go statement in loop over lines scanned by sc.Scan starts one goroutine per item`
	}
	return sc.Err()
}

// ProcessLinesBounded takes a token from a bucket the goroutines refill: bounded.
func ProcessLinesBounded(r io.Reader) error {
	tokens := make(chan Job, 4)
	for i := 0; i < 4; i++ {
		tokens <- Job{}
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		t := <-tokens
		go func() {
			defer func() { tokens <- t }()
			processLine(line)
		}()
	}
	return sc.Err()
}

func processLine(string) {}

// LoadUsers starts one goroutine per row of a query.
func LoadUsers(db *sql.DB) error {
	rows, err := db.Query("SELECT id FROM users")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return err
		}
		go warm(id) // want `go statement in loop over query rows of rows.Next starts one goroutine per item`
	}
	return rows.Err()
}

func warm(int) {}

type Request struct{ Method string }

// serveConn starts one goroutine per request decoded from a connection.
func serveConn(conn net.Conn) {
	dec := json.NewDecoder(conn)
	for {
		var req Request
		if err := dec.Decode(&req); err != nil {
			return
		}
		go answer(conn, req) // want `go statement in loop reading one item per dec.Decode call starts one goroutine per item`
	}
}

func answer(net.Conn, Request) {}

// acceptLoop is the standard server shape: not reported by default (report-accept-loops).
func acceptLoop(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go serveConn(c)
	}
}

// serveConns receives connections from an accepting goroutine: an accept loop through a channel.
func serveConns(conns <-chan net.Conn) {
	for c := range conns {
		go serveConn(c)
	}
}

// tlsConn is a connection as a wrapper sees it: an interface with the methods of a net.Conn.
type tlsConn interface {
	io.ReadWriteCloser
	RemoteAddr() net.Addr
}

// internalConn embeds a connection and adds bookkeeping: its method set makes it a connection.
type internalConn struct {
	tlsConn
	priority int
}

// helloResult carries a connection through a handshake.
type helloResult struct {
	c     internalConn
	hello string
}

type connService struct {
	conns  chan internalConn
	hellos chan *helloResult
	jobs   chan *helloJob
}

// helloJob is data (no connection inside): per-item work.
type helloJob struct{ name string }

// handleConns receives connection wrappers from the listeners: an accept loop through a channel,
// silent by default (report-accept-loops). Near miss of Loop above.
func (s *connService) handleConns(ctx context.Context) {
	for {
		select {
		case c := <-s.conns:
			go func() { s.hellos <- &helloResult{c: c} }()
		case h := <-s.hellos:
			go watchConn(h) // one watcher per established connection: an accept loop too
		case j := <-s.jobs:
			go runHelloJob(j) // unknown origin: reported only with report-unknown-sources (package unknown)
		case <-ctx.Done():
			return
		}
	}
}

func watchConn(*helloResult) {}
func runHelloJob(*helloJob)  {}

// byteLimiter bounds the bytes in flight: Take blocks until n bytes are free, Give returns them.
type byteLimiter struct{}

func (*byteLimiter) TakeWithContext(context.Context, int) error { return nil }
func (*byteLimiter) Give(int)                                   {}

type block struct{ size int }

func fetchBlock(block) {}

// pullBlocks takes the block's bytes from the limiter before spawning and the goroutine gives them
// back: an acquire/release pair on one object bounds the goroutines. Near miss of pullBlocksCounted.
func pullBlocks(ctx context.Context, in <-chan block, lim *byteLimiter) {
	var wg sync.WaitGroup
	for b := range in {
		if err := lim.TakeWithContext(ctx, b.size); err != nil {
			continue
		}
		wg.Go(func() {
			defer lim.Give(b.size)
			fetchBlock(b)
		})
	}
	wg.Wait()
}

// pullBlocksCounted only counts its goroutines: wg.Add before and wg.Done inside is no limit.
// The channel's origin is unknown: silent by default.
func pullBlocksCounted(in <-chan block) { // want pullBlocksCounted:"spawns per item of in"
	var wg sync.WaitGroup
	for b := range in {
		wg.Add(1)
		go func() { // unknown origin: reported only with report-unknown-sources (package unknown)
			defer wg.Done()
			fetchBlock(b)
		}()
	}
	wg.Wait()
}
