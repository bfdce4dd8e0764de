// Package semaphore holds goroutines that give back a token of a buffered channel their spawner
// sent for them before starting them: the receive takes that token and never waits.
package semaphore

import "errors"

func fetch(i int) error {
	if i < 0 {
		return errors.New("negative")
	}
	return nil
}

// readAll bounds its readers with a token channel acquired in a select that also collects
// errors; the go statement is reached only through the send case.
func readAll(n int) error {
	errs := make(chan error, n)
	tokens := make(chan struct{}, 4)
	waits := 0
	var err error
ITEMS:
	for i := 0; i < n; i++ {
	WAIT:
		for {
			select {
			case tokens <- struct{}{}:
				break WAIT
			case e := <-errs:
				waits--
				if e != nil {
					err = e
					break ITEMS
				}
			}
		}
		go func(i int) { // fine: the spawner sent this goroutine's token before starting it
			errs <- fetch(i)
			<-tokens
		}(i)
		waits++
	}
	for ; waits > 0; waits-- {
		if e := <-errs; e != nil {
			err = e
		}
	}
	return err
}

// plain acquires with a plain send right before the go statement.
func plain(n int) {
	sem := make(chan bool, 2)
	done := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		sem <- true
		go func(i int) { // fine: the token sent just before the go statement
			_ = fetch(i)
			<-sem
			done <- struct{}{}
		}(i)
	}
	for i := 0; i < n; i++ {
		<-done
	}
}

// ---- near miss: the go statement is also reached without a token ----

// readSome starts a reader after an error arrived as well as after a token was sent: that
// reader gives back a token nobody sent for it, and waits once the buffer is empty.
func readSome(n int) error {
	errs := make(chan error, n)
	tokens := make(chan struct{}, 4)
	waits := 0
	var err error
ITEMS:
	for i := 0; i < n; i++ {
		select {
		case tokens <- struct{}{}:
		case e := <-errs:
			waits--
			if e != nil {
				err = e
				break ITEMS
			}
		}
		go func(i int) { // want `goroutine waits to receive from tokens, but the spawner can leave through case e := <-errs`
			errs <- fetch(i)
			<-tokens
		}(i)
		waits++
	}
	for ; waits > 0; waits-- {
		if e := <-errs; e != nil {
			err = e
		}
	}
	return err
}

func Use() {
	_ = readAll(3)
	plain(3)
	_ = readSome(3)
}
