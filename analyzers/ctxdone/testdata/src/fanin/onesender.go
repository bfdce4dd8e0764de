package fanin

import (
	"errors"
	"strings"
)

func verify(path string) error {
	if path == "" {
		return errors.New("empty path")
	}
	return nil
}

func warmCache() {}

// firstTagged takes the first tagged name, but the scanner sends every tagged name it finds: the
// second one's send blocks forever.
func firstTagged(names []string, tag string) string {
	found := make(chan string)
	go func() { // want `goroutines send on found, but the spawner receives only one value before it can return`
		for _, n := range names {
			if strings.HasSuffix(n, tag) {
				found <- n
			}
		}
	}()
	return <-found
}

// verifyAll is the near miss: the checker's send inside its loop is followed by a return, so it
// sends exactly once on every path, and the one receive takes it.
func verifyAll(paths []string) error {
	errc := make(chan error)
	go func() {
		for _, p := range paths {
			if err := verify(p); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	warmCache()
	return <-errc
}

// firstPrefixed is the near miss in a switch: each case that sends also returns.
func firstPrefixed(names []string) string {
	found := make(chan string)
	go func() {
		for _, n := range names {
			switch {
			case strings.HasPrefix(n, "a"):
				found <- n
				return
			}
		}
		found <- ""
	}()
	return <-found
}
