package a

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"runtime"
	"time"

	"golang.org/x/sync/semaphore"
)

type Job struct{ ID int }

func handle(Job) {}

// consume starts one goroutine per job received from the channel.
func consume(jobs <-chan Job) {
	for j := range jobs {
		go handle(j) // want `go statement in range over channel jobs starts one goroutine per item`
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

// Loop starts a goroutine per message received in a select.
func (m *Mailbox) Loop(ctx context.Context) {
	for {
		select {
		case msg := <-m.inbox:
			go handle(msg) // want `go statement in receive loop on channel m.inbox starts one goroutine per item`
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
		go processLine(line) // want `go statement in sc.Scan loop starts one goroutine per item`
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
		go warm(id) // want `go statement in rows.Next loop starts one goroutine per item`
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
		go answer(conn, req) // want `go statement in read loop on dec.Decode starts one goroutine per item`
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
