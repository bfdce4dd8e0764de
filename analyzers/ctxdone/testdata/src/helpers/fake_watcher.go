package helpers

// FakeWatcher is a test double: tests (in _test.go files the non-test pass cannot see) send on
// its events channel. Its file name says it is a fake, so its goroutines are test code.
type FakeWatcher struct {
	events chan string
	seen   []string
}

func NewFakeWatcher() *FakeWatcher {
	w := &FakeWatcher{events: make(chan string)}
	go w.run() // fine by default: a test double, driven by tests
	return w
}

func (w *FakeWatcher) run() {
	for e := range w.events {
		w.seen = append(w.seen, e)
	}
}
