// Package fanin holds the fan-in early exit: several goroutines send on one unbuffered channel,
// and the spawner receives in a counted loop that it can leave before the last value arrives.
package fanin

import (
	"context"
	"errors"
	"net"
	"sync"
)

type lookup struct {
	addrs []net.IP
	err   error
}

func resolve(ctx context.Context, host string) lookup { return lookup{} }

// resolveAll returns at the first failed lookup: the hosts whose answer comes later stay blocked
// on their send.
func resolveAll(ctx context.Context, hosts []string) ([]net.IP, error) {
	results := make(chan lookup)
	for _, h := range hosts {
		go func() { // want `goroutines send on results, but the spawner can return at line \d+ before its receiving loop has received every value: each goroutine that has not sent yet blocks forever and leaks`
			results <- resolve(ctx, h)
		}()
	}
	var all []net.IP
	for range hosts {
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		all = append(all, r.addrs...)
	}
	return all, nil
}

// resolveAllBuffered is the near miss: the buffer has room for every host's answer.
func resolveAllBuffered(ctx context.Context, hosts []string) ([]net.IP, error) {
	results := make(chan lookup, len(hosts))
	for _, h := range hosts {
		go func() {
			results <- resolve(ctx, h)
		}()
	}
	var all []net.IP
	for range hosts {
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		all = append(all, r.addrs...)
	}
	return all, nil
}

// resolveAllKeepFirst is the near miss that reads every answer and keeps the first error.
func resolveAllKeepFirst(ctx context.Context, hosts []string) ([]net.IP, error) {
	results := make(chan lookup)
	for _, h := range hosts {
		go func() {
			results <- resolve(ctx, h)
		}()
	}
	var all []net.IP
	var first error
	for i := 0; i < len(hosts); i++ {
		r := <-results
		if r.err != nil && first == nil {
			first = r.err
		}
		all = append(all, r.addrs...)
	}
	return all, first
}

// resolveAllGuarded is the near miss whose senders leave when the context is cancelled, which
// the deferred cancel does as the spawner returns.
func resolveAllGuarded(ctx context.Context, hosts []string) ([]net.IP, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan lookup)
	for _, h := range hosts {
		go func() {
			select {
			case results <- resolve(ctx, h):
			case <-ctx.Done():
			}
		}()
	}
	var all []net.IP
	for range hosts {
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		all = append(all, r.addrs...)
	}
	return all, nil
}

// resolveOneByOne is the near miss that starts one lookup per iteration and receives its answer
// in the same iteration: an early return leaves nobody behind.
func resolveOneByOne(ctx context.Context, hosts []string) ([]net.IP, error) {
	results := make(chan lookup)
	var all []net.IP
	for _, h := range hosts {
		go func() {
			results <- resolve(ctx, h)
		}()
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		all = append(all, r.addrs...)
	}
	return all, nil
}

// resolveUntilDone is the near miss whose loop has no counter: its return is the completion.
func resolveUntilDone(ctx context.Context, hosts []string) []net.IP {
	results := make(chan lookup)
	for _, h := range hosts {
		go func() {
			results <- resolve(ctx, h)
		}()
	}
	var all []net.IP
	got := 0
	for {
		r := <-results
		all = append(all, r.addrs...)
		if got++; got == len(hosts) {
			return all
		}
	}
}

type settings struct{}

func loadConfig(path string) error  { return nil }
func loadSecrets(path string) error { return nil }

// load starts two loaders and stops at the first error: the other loader's send has no
// receiver. The fix gives the channel room for both.
func load(dir string) error {
	errc := make(chan error)
	go func() { errc <- loadConfig(dir) }() // want `goroutines send on errc, but the spawner can return at line \d+ before its receiving loop has received every value`
	go func() { errc <- loadSecrets(dir) }()
	for i := 0; i < 2; i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// loadRoomForOneMore is the near miss whose buffer holds the one send still due after the
// first receive.
func loadRoomForOneMore(dir string) error {
	errc := make(chan error, 1)
	go func() { errc <- loadConfig(dir) }()
	go func() { errc <- loadSecrets(dir) }()
	for i := 0; i < 2; i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

type chunk struct {
	data []byte
	err  error
}

func readChunk(i int) chunk { return chunk{} }

var errShort = errors.New("short chunk")

// download breaks out of its loop at the first bad chunk and returns: the reader goroutine is
// left on its next send.
func download(parts int) ([]byte, error) {
	chunks := make(chan chunk)
	go func() { // want `goroutines send on chunks, but the spawner can return at line \d+ before its receiving loop has received every value`
		for i := 0; i < parts; i++ {
			chunks <- readChunk(i)
		}
	}()
	var out []byte
	var err error
	for i := 0; i < parts; i++ {
		c := <-chunks
		if c.err != nil {
			err = c.err
			break
		}
		out = append(out, c.data...)
	}
	return out, err
}

// downloadDrained is the near miss that drains the chunks still due after the break.
func downloadDrained(parts int) ([]byte, error) {
	chunks := make(chan chunk)
	go func() {
		for i := 0; i < parts; i++ {
			chunks <- readChunk(i)
		}
	}()
	var out []byte
	var err error
	i := 0
	for ; i < parts; i++ {
		c := <-chunks
		if c.err != nil {
			err = c.err
			break
		}
		out = append(out, c.data...)
	}
	for i++; i < parts; i++ {
		<-chunks
	}
	return out, err
}

func probe(ctx context.Context, node string) error { return nil }

// waitQuorum is the near miss that returns once it has counted enough answers: with a quorum
// of every node that is the last trip, and whether it can come sooner depends on the caller.
func waitQuorum(ctx context.Context, nodes []string, quorum int) error {
	errs := make(chan error)
	for _, n := range nodes {
		go func() {
			errs <- probe(ctx, n)
		}()
	}
	healthy := 0
	for range nodes {
		if err := <-errs; err == nil {
			healthy++
			if healthy >= quorum {
				return nil
			}
		}
	}
	return errors.New("no quorum")
}

// probeAll counts the healthy nodes too, but returns at the first error: the nodes that answer
// later are stranded.
func probeAll(ctx context.Context, nodes []string) (int, error) {
	errs := make(chan error)
	for _, n := range nodes {
		go func() { // want `goroutines send on errs, but the spawner can return at line \d+ before its receiving loop has received every value`
			errs <- probe(ctx, n)
		}()
	}
	healthy := 0
	for range nodes {
		if err := <-errs; err != nil {
			return healthy, err
		}
		healthy++
	}
	return healthy, nil
}

type replica interface {
	Search(ctx context.Context, q string) string
}

// fastest asks every replica and returns the first answer: the slower replicas' sends have no
// receiver.
func fastest(ctx context.Context, q string, replicas []replica) string {
	answers := make(chan string)
	for _, r := range replicas {
		go func() { // want `goroutines send on answers, but the spawner receives only one value before it can return at line \d+: every other goroutine's send blocks forever and leaks`
			answers <- r.Search(ctx, q)
		}()
	}
	return <-answers
}

// fastestBuffered is the near miss with room for every replica's answer.
func fastestBuffered(ctx context.Context, q string, replicas []replica) string {
	answers := make(chan string, len(replicas))
	for _, r := range replicas {
		go func() {
			answers <- r.Search(ctx, q)
		}()
	}
	return <-answers
}

// fastestCancelled is the near miss whose replicas give up once the spawner has its answer.
func fastestCancelled(ctx context.Context, q string, replicas []replica) string {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answers := make(chan string)
	for _, r := range replicas {
		go func() {
			select {
			case answers <- r.Search(ctx, q):
			case <-ctx.Done():
			}
		}()
	}
	return <-answers
}

// primaryOrMirror races two fetches: the loser's send has no receiver. The fix gives the
// channel room for both.
func primaryOrMirror(ctx context.Context, primary, mirror replica, q string) string {
	got := make(chan string)
	go func() { got <- primary.Search(ctx, q) }() // want `goroutines send on got, but the spawner receives only one value before it can return`
	go func() { got <- mirror.Search(ctx, q) }()
	return <-got
}

type frame struct{ n int }

func nextFrame() (frame, bool) { return frame{}, false }

// firstFrame is the near miss whose reader streams until its source runs dry: whether it sends
// again after the first frame is not known.
func firstFrame() frame {
	frames := make(chan frame)
	go func() {
		for {
			f, ok := nextFrame()
			if !ok {
				return
			}
			frames <- f
		}
	}()
	return <-frames
}

type image struct{ path string }
type thumb struct {
	data []byte
	err  error
}

func render(img image) thumb { return thumb{} }

// thumbnails closes the results once every worker is done, but returns at the first failed
// thumbnail: the workers still to send, and the closer waiting for them, stay blocked.
func thumbnails(imgs []image) ([][]byte, error) {
	results := make(chan thumb)
	var wg sync.WaitGroup
	for _, img := range imgs {
		wg.Add(1)
		go func() { // want `goroutines send on results, but the spawner can return at line \d+ before its receiving loop has received every value`
			defer wg.Done()
			results <- render(img)
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out [][]byte
	for t := range results {
		if t.err != nil {
			return nil, t.err
		}
		out = append(out, t.data)
	}
	return out, nil
}

// thumbnailsKeepFirst is the near miss that drains the results and keeps the first error.
func thumbnailsKeepFirst(imgs []image) ([][]byte, error) {
	results := make(chan thumb)
	var wg sync.WaitGroup
	for _, img := range imgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- render(img)
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out [][]byte
	var first error
	for t := range results {
		if t.err != nil {
			if first == nil {
				first = t.err
			}
			continue
		}
		out = append(out, t.data)
	}
	return out, first
}
