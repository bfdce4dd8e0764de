package a

import (
	"net/http"
	"sync"
	"time"
)

// Producer describes a node of the cluster: an address and ports.
type Producer struct {
	RemoteAddress string
	Hostname      string
	HTTPPort      int
	TCPPort       int
}

// NodeStats queries every node of the cluster once: fan-out bounded by the cluster's size, like
// fan-out over hosts or peers. Near miss of shipAll below.
func NodeStats(producers []*Producer) {
	var wg sync.WaitGroup
	for _, p := range producers {
		wg.Go(func() {
			resp, err := http.Get("http://" + p.RemoteAddress + "/stats")
			if err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
}

// Order has an address but no port: it is data, not a node.
type Order struct {
	ID              string
	ShippingAddress string
}

func ship(*Order) {}

// shipAll starts a goroutine per order the caller passes: the orders' origin is unknown (no caller
// in the package passes input), silent by default.
func shipAll(orders []*Order) { // want shipAll:"spawns per item of orders"
	var wg sync.WaitGroup
	for _, o := range orders {
		wg.Go(func() { ship(o) }) // unknown origin: reported only with report-unknown-sources (package unknown)
	}
	wg.Wait()
}

// topicLogger consumes one topic for as long as the program runs.
type topicLogger struct {
	stop chan struct{}
	in   chan []byte
}

// router is an event loop: the goroutine that runs it lives as long as the topic is consumed.
func (l *topicLogger) router() {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case m := <-l.in:
			_ = m
		case <-tick.C:
		}
	}
}

// flushOnce does one piece of work and returns.
func (l *topicLogger) flushOnce() {
	select {
	case m := <-l.in:
		_ = m
	default:
	}
}

// pipeStage is one stage of a processing pipeline.
type pipeStage struct {
	src, dst chan []byte
}

// runStages starts one drainer per stage it is passed: each goroutine ranges over its stage's
// channel until it is closed, a long-lived pipeline component, not per-item work. Near miss of
// flushTopics.
func runStages(stages []*pipeStage) {
	var wg sync.WaitGroup
	for _, st := range stages {
		wg.Go(func() {
			for m := range st.src {
				st.dst <- m
			}
			close(st.dst)
		})
	}
	wg.Wait()
}

type discoverer struct {
	wg     sync.WaitGroup
	topics map[string]*topicLogger
}

// updateTopics starts one long-lived router per newly discovered topic: a consumer per topic, a
// component of the program, not per-item work. Near miss of flushTopics below.
func (d *discoverer) updateTopics(topics []string) {
	for _, t := range topics {
		if _, ok := d.topics[t]; ok {
			continue
		}
		l := &topicLogger{stop: make(chan struct{}), in: make(chan []byte)}
		d.topics[t] = l
		d.wg.Add(1)
		go func() {
			l.router()
			d.wg.Done()
		}()
	}
}

// flushTopics starts a short-lived goroutine per topic it is passed: unknown origin, silent by
// default.
func (d *discoverer) flushTopics(topics []string) { // want flushTopics:"spawns per item of topics"
	for _, t := range topics {
		if l := d.topics[t]; l != nil {
			go l.flushOnce() // unknown origin: reported only with report-unknown-sources (package unknown)
		}
	}
}

type watchClient struct{}

func (watchClient) Watch(key string) <-chan string { return make(chan string) }

// watchEach opens a watch per key it is passed and drains each in its own goroutine: the channel
// is local to the item, so this is per-item work; the keys' origin is unknown, silent by default.
func watchEach(c watchClient, keys []string) { // want watchEach:"spawns per item of keys"
	for _, k := range keys {
		wc := c.Watch(k)
		go func() { // unknown origin: reported only with report-unknown-sources (package unknown)
			for ev := range wc {
				_ = ev
			}
		}()
	}
}
