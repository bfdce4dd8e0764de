package bench

import (
	"bufio"
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// --- claim: "a new goroutine's stack starts at 4 KiB since Go 1.22" ---

// deepPark recurses depth frames, records how much stack it uses below top, and parks at the
// bottom. top is a pointer, not an address, so that it follows the stack when the runtime moves it.
//
//go:noinline
func deepPark(depth int, top *byte, used *uintptr, ready *sync.WaitGroup, gate chan struct{}) byte {
	var pad [128]byte
	pad[depth%len(pad)] = byte(depth)
	if depth > 0 {
		return pad[(depth+1)%len(pad)] + deepPark(depth-1, top, used, ready, gate)
	}
	*used = uintptr(unsafe.Pointer(top)) - uintptr(unsafe.Pointer(&pad))
	ready.Done()
	<-gate
	return pad[3]
}

// The starting-stack shapes.
const (
	StackFresh      = "fresh"       // new g structs in a fresh process
	StackReused     = "reused"      // g structs reused from the free list after a GC
	StackReusedDeep = "reused-deep" // reused after a GC that scanned goroutines using Size bytes of stack
)

// startStack measures the stack a new goroutine really gets: N bare goroutines are parked and the
// growth of stack memory divided by N. Shape fresh: in a fresh process, so every goroutine gets a
// new g (runtime/proc.go newproc1: malg(stackMin)). Shapes reused and reused-deep: N goroutines run
// and exit first, so that the N measured ones reuse their g structs from the free list, and a GC
// runs in between; for reused-deep 1000 goroutines using about Size bytes of stack are parked
// during that GC, so that the adaptive starting size (GODEBUG adaptivestackstart, on by default;
// runtime/stack.go gcComputeStartingStackSize) learns from them. The measured goroutines are parked
// with the GC off, so that it neither shrinks their stacks nor recomputes the starting size.
func startStack(s Spec) (Result, error) {
	var r Result
	n := s.N
	if n <= 0 {
		return r, errors.New("starting stack: N must be positive")
	}
	switch s.Shape {
	case StackFresh:
	case StackReused, StackReusedDeep:
		if s.Shape == StackReusedDeep {
			const deep = 1000
			deepGate := make(chan struct{})
			defer close(deepGate)
			var ready sync.WaitGroup
			used := make([]uintptr, deep)
			depth := max(0, s.Size/192)
			ready.Add(deep)
			for i := range deep {
				go func() {
					var top byte
					deepPark(depth, &top, &used[i], &ready, deepGate)
				}()
			}
			ready.Wait()
			var sum uintptr
			for _, u := range used {
				sum += u
			}
			r.Add("deep-stack-used-B", float64(sum)/deep)
		}
		var wg sync.WaitGroup
		hold := make(chan struct{})
		for range n {
			wg.Go(func() { <-hold })
		}
		close(hold)
		wg.Wait()
		runtime.GC() // frees dead goroutines' stacks, and recomputes the starting size
	default:
		return r, fmt.Errorf("starting stack: unknown shape %q", s.Shape)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))

	parkMu.Lock()
	defer parkMu.Unlock()
	parkGate = make(chan struct{})
	defer close(parkGate)
	before := readSnapshot(false)
	parkReady.Add(n)
	for range n {
		go parkedGoroutine()
	}
	parkReady.Wait()
	if !waitUntil(10*time.Second, func() bool { return waitingGoroutines() >= before.waiting+int64(n) }) {
		return r, errors.New("starting stack: goroutines did not park")
	}
	after := readSnapshot(false)
	if after.stacks <= before.stacks {
		return r, errors.New("starting stack: stack memory did not grow")
	}
	r.Add("starting-stack-B", float64(before.startStack))
	r.Add("stack-B/goroutine", per(after.stacks-before.stacks, n))
	r.Note("shape %s, GODEBUG=%q: /gc/stack/starting-size %d B, %d new goroutines took %d B of stack",
		s.Shape, os.Getenv("GODEBUG"), before.startStack, n, after.stacks-before.stacks)
	return r, nil
}

// --- claim: "at 10^5 concurrent senders an unbuffered channel drops to 1/7 of its throughput" ---

// chanSenders parks N senders, then releases them at once; they send Size messages in all, in
// equal shares, on one unbuffered channel to one receiver. It reports the time per message.
func chanSenders(s Spec) (Result, error) {
	var r Result
	n := s.N
	each := s.Size / max(n, 1)
	if n <= 0 || each <= 0 {
		return r, errors.New("chan senders: need N > 0 and Size >= N")
	}
	total := each * n
	ch := make(chan int)
	gate := make(chan struct{})
	var ready sync.WaitGroup
	base := waitingGoroutines()
	ready.Add(n)
	for range n {
		go func() {
			ready.Done()
			<-gate
			for range each {
				ch <- 1
			}
		}()
	}
	ready.Wait()
	if !waitUntil(10*time.Second, func() bool { return waitingGoroutines() >= base+int64(n) }) {
		// Release the senders and take their messages, or they stay parked for the life of the
		// process (goroguard's ctxdone found this leak in its own benchmark).
		close(gate)
		for range total {
			<-ch
		}
		return r, errors.New("chan senders: senders did not park")
	}
	t0 := time.Now()
	close(gate)
	sum := 0
	for range total {
		sum += <-ch
	}
	el := time.Since(t0)
	if sum != total {
		return r, fmt.Errorf("chan senders: received %d of %d", sum, total)
	}
	r.Add("ns/msg", float64(el)/float64(total))
	r.Add("msgs/s", float64(total)/el.Seconds())
	r.Note("%d senders, %d messages: %v, %.0f ns/msg", n, total, el.Round(time.Microsecond), float64(el)/float64(total))
	return r, nil
}

// --- claim: "since Go 1.21 goroutine stacks use MAP_GROWSDOWN guard pages" ---

// mapping is one entry of /proc/self/smaps.
type mapping struct {
	lo, hi uint64
	header string
	flags  []string
}

func (m mapping) has(flag string) bool {
	for _, f := range m.flags {
		if f == flag {
			return true
		}
	}
	return false
}

func readSmaps() ([]mapping, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			if len(ms) > 0 {
				ms[len(ms)-1].flags = strings.Fields(rest)
			}
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 5 {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil {
			continue // a "Key: value" line
		}
		ms = append(ms, mapping{lo: l, hi: h, header: line})
	}
	return ms, sc.Err()
}

func findMapping(ms []mapping, addr uint64) (mapping, bool) {
	for _, m := range ms {
		if m.lo <= addr && addr < m.hi {
			return m, true
		}
	}
	return mapping{}, false
}

var heapProbe *[4096]byte

// stackMapping finds the memory mapping that holds a running goroutine's stack and reads its
// VmFlags: "gd" marks a MAP_GROWSDOWN mapping. For comparison it also finds the mapping of a heap
// object and the main thread's [stack].
func stackMapping(Spec) (Result, error) {
	var r Result
	addr := make(chan uint64)
	gate := make(chan struct{})
	go func() {
		var local [64]byte
		local[0] = 1
		addr <- uint64(uintptr(unsafe.Pointer(&local)))
		<-gate
		runtime.KeepAlive(local)
	}()
	stackAddr := <-addr
	defer close(gate)
	heapProbe = new([4096]byte)
	heapAddr := uint64(uintptr(unsafe.Pointer(heapProbe)))
	ms, err := readSmaps()
	if err != nil || len(ms) == 0 {
		return r, fmt.Errorf("stack mapping: %w (%v)", ErrUnavailable, err)
	}
	sm, ok1 := findMapping(ms, stackAddr)
	hm, ok2 := findMapping(ms, heapAddr)
	if !ok1 || !ok2 {
		return r, errors.New("stack mapping: goroutine stack or heap object not found in /proc/self/smaps")
	}
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	r.Add("goroutine-stack-growsdown", b(sm.has("gd")))
	r.Add("goroutine-stack-in-heap-mapping", b(sm.lo == hm.lo))
	mainGD := -1.0
	for _, m := range ms {
		if strings.HasSuffix(m.header, "[stack]") {
			mainGD = b(m.has("gd"))
		}
	}
	r.Add("main-thread-stack-growsdown", mainGD)
	r.Note("goroutine stack at %#x in mapping %q, VmFlags %v", stackAddr, sm.header, sm.flags)
	r.Note("heap object at %#x in mapping %q", heapAddr, hm.header)
	return r, nil
}

// --- claim: "the g struct is about 300 bytes" ---

// RuntimeTypeSizes reads the sizes of the named runtime types ("runtime.g", "runtime.sudog") from
// the DWARF debug information of the executable exe. The sizes are those of the Go toolchain that
// built exe; a binary linked with -ldflags=-w has no DWARF and yields ErrUnavailable.
func RuntimeTypeSizes(exe string, names ...string) (map[string]int64, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		return nil, fmt.Errorf("%w: no DWARF in %s: %v", ErrUnavailable, exe, err)
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	sizes := make(map[string]int64)
	rd := d.Reader()
	for len(sizes) < len(want) {
		e, err := rd.Next()
		if err != nil {
			return sizes, err
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagStructType {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if !want[name] {
			continue
		}
		if sz, ok := e.Val(dwarf.AttrByteSize).(int64); ok {
			sizes[name] = sz
		}
	}
	if len(sizes) < len(want) {
		return sizes, fmt.Errorf("%w: type not found in DWARF of %s", ErrUnavailable, exe)
	}
	return sizes, nil
}

// SizeClass returns the malloc size class an object of size bytes is rounded up to (small sizes),
// from the runtime's table for Go 1.26 (internal/runtime/gc/sizeclasses.go).
func SizeClass(size int64) int64 {
	for _, c := range sizeClasses {
		if size <= c {
			return c
		}
	}
	return size
}

// sizeClasses is the start of SizeClassToSize in internal/runtime/gc/sizeclasses.go, up to 1 KiB.
var sizeClasses = []int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024}
