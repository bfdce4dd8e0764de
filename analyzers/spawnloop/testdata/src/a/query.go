package a

import (
	"context"
	"sync"
	"time"
)

// Container is one container as a container engine's API lists it.
type Container struct {
	ID    string
	Names []string
}

// ContainerList is the answer to a listing query.
type ContainerList struct{ Items []Container }

// engineClient is the API client of a container engine: each call goes to another process.
type engineClient interface {
	ContainerList(ctx context.Context, all bool) (ContainerList, error)
	ListVolumes(ctx context.Context) ([]string, error)
}

type engineInput struct {
	client engineClient
	// registry lists the containers this program started itself.
	registry *containerRegistry
}

func (e *engineInput) gatherContainer(Container) {}

// Gather starts one goroutine per container the engine lists: a host can run thousands of them.
func (e *engineInput) Gather(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	containers, err := e.client.ContainerList(ctx, true)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(len(containers.Items))
	for _, c := range containers.Items {
		go func(c Container) { // silent by default: a listing query lists deployment state (reported with report-unknown-sources)
			defer wg.Done()
			e.gatherContainer(c)
		}(c)
	}
	wg.Wait()
	return nil
}

// GatherBounded is the near miss: the same listing, with a semaphore of 8 slots.
func (e *engineInput) GatherBounded(ctx context.Context) error {
	containers, err := e.client.ContainerList(ctx, true)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, c := range containers.Items {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			e.gatherContainer(c)
		})
	}
	wg.Wait()
	return nil
}

func inspectVolume(string) {}

// Volumes starts one goroutine per listed volume (List... with a context).
func (e *engineInput) Volumes(ctx context.Context) {
	vols, _ := e.client.ListVolumes(ctx)
	var wg sync.WaitGroup
	for _, v := range vols {
		wg.Go(func() { inspectVolume(v) }) // silent by default: a listing query lists deployment state (reported with report-unknown-sources)
	}
	wg.Wait()
}

// containerRegistry is the program's own record of what it started: in memory, no context.
type containerRegistry struct{ started []Container }

func (r *containerRegistry) List() []Container { return r.started }

// StopStarted ranges over the program's own registry (a List method without a context): its size
// is the program's state, not known to come from input; not reported. Near miss of Gather.
func (e *engineInput) StopStarted() {
	var wg sync.WaitGroup
	for _, c := range e.registry.List() {
		wg.Go(func() { e.gatherContainer(c) })
	}
	wg.Wait()
}

type logInput struct {
	client engineClient
	mu     sync.Mutex
	wg     sync.WaitGroup
	// tailing maps each container being tailed to the cancel function of its tailer.
	tailing map[string]context.CancelFunc
}

func (l *logInput) tail(context.Context, Container) {}

// Gather starts one log tailer per container that is not yet tailed and records it in the
// registry: at most one long-lived tailer per container, the registry deregisters it when it ends.
// Near miss of engineInput.Gather.
func (l *logInput) Gather(ctx context.Context) error {
	containers, err := l.client.ContainerList(ctx, false)
	if err != nil {
		return err
	}
	for _, c := range containers.Items {
		l.mu.Lock()
		_, found := l.tailing[c.ID]
		l.mu.Unlock()
		if found {
			continue
		}
		tctx, cancel := context.WithCancel(context.Background())
		l.mu.Lock()
		l.tailing[c.ID] = cancel
		l.mu.Unlock()
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.tail(tctx, c)
		}()
	}
	return nil
}

// throttled runs jobs with at most cap(limit) at a time: each goroutine takes a slot itself.
type throttled struct {
	wg    sync.WaitGroup
	limit chan struct{}
}

// run starts a goroutine that waits for a slot before it works: the work is bounded (the parked
// goroutines are not, see Known limits), so run is not marked as spawning per call.
func (t *throttled) run(ctx context.Context, job func()) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		select {
		case t.limit <- struct{}{}:
			defer func() { <-t.limit }()
			job()
		case <-ctx.Done():
		}
	}()
}

// unthrottled starts a goroutine on every call with no limit.
func unthrottled(job func()) { // want unthrottled:"spawns per call"
	go job()
}

// queryVolumes submits one job per listed volume through the throttled runner: bounded. The
// same loop calling unthrottled is reported.
func queryVolumes(ctx context.Context, c engineClient, t *throttled) {
	vols, _ := c.ListVolumes(ctx)
	for _, v := range vols {
		t.run(ctx, func() { inspectVolume(v) })
	}
	for _, v := range vols {
		unthrottled(func() { inspectVolume(v) }) // silent by default: a listing query lists deployment state (reported with report-unknown-sources)
	}
}
