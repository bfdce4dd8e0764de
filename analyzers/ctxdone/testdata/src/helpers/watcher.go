package helpers

// Watcher is the near miss of FakeWatcher: production code whose events channel nothing in the
// package sends on or closes, and that never leaves the package: its goroutine waits forever.
type Watcher struct {
	events chan string
	seen   []string
}

func NewWatcher() *Watcher {
	w := &Watcher{events: make(chan string)}
	go w.run()
	return w
}

func (w *Watcher) run() {
	for e := range w.events { // want `receive from field events blocks forever: nothing in this package sends on it or closes it`
		w.seen = append(w.seen, e)
	}
}
