package spawnloop

import (
	"go/types"
	"slices"
	"strings"

	"github.com/goroguard/goroguard/internal/apis"
)

// This file is spawnloop's API knowledge: which calls produce an unbounded number of items, which
// calls read one item per loop iteration, which calls acquire a concurrency limit, and which
// element types are the program's own components rather than data.

// dataFuncs return a slice whose length the input decides (a directory, a glob, a split string).
var dataFuncs = map[apis.Func]string{
	{Pkg: "os", Name: "ReadDir"}:           "directory listing",
	{Pkg: "io/ioutil", Name: "ReadDir"}:    "directory listing",
	{Pkg: "io/fs", Name: "ReadDir"}:        "directory listing",
	{Pkg: "path/filepath", Name: "Glob"}:   "glob",
	{Pkg: "io/fs", Name: "Glob"}:           "glob",
	{Pkg: "strings", Name: "Split"}:        "split string",
	{Pkg: "strings", Name: "SplitN"}:       "split string",
	{Pkg: "strings", Name: "Fields"}:       "split string",
	{Pkg: "bytes", Name: "Split"}:          "split bytes",
	{Pkg: "bytes", Name: "Fields"}:         "split bytes",
	{Pkg: "encoding/csv", Name: "ReadAll"}: "csv records",
}

// dataMethods are methods that return an input-sized slice.
var dataMethods = map[apis.Method]string{
	{Pkg: "os", Type: "File", Name: "ReadDir"}:             "directory listing",
	{Pkg: "os", Type: "File", Name: "Readdir"}:             "directory listing",
	{Pkg: "os", Type: "File", Name: "Readdirnames"}:        "directory listing",
	{Pkg: "encoding/csv", Type: "Reader", Name: "ReadAll"}: "csv records",
	{Pkg: "net/url", Type: "URL", Name: "Query"}:           "query parameters",
	{Pkg: "net/http", Type: "Request", Name: "Cookies"}:    "request cookies",
}

// decoders fill the value their pointer argument points to with input-sized data; the index is the
// pointer argument.
var decodeFuncs = map[apis.Func]int{
	{Pkg: "encoding/json", Name: "Unmarshal"}:                    1,
	{Pkg: "encoding/xml", Name: "Unmarshal"}:                     1,
	{Pkg: "gopkg.in/yaml.v2", Name: "Unmarshal"}:                 1,
	{Pkg: "gopkg.in/yaml.v3", Name: "Unmarshal"}:                 1,
	{Pkg: "sigs.k8s.io/yaml", Name: "Unmarshal"}:                 1,
	{Pkg: "google.golang.org/protobuf/proto", Name: "Unmarshal"}: 1,
}

var decodeMethods = map[apis.Method]int{
	{Pkg: "encoding/json", Type: "Decoder", Name: "Decode"}:    0,
	{Pkg: "encoding/xml", Type: "Decoder", Name: "Decode"}:     0,
	{Pkg: "encoding/gob", Type: "Decoder", Name: "Decode"}:     0,
	{Pkg: "gopkg.in/yaml.v3", Type: "Decoder", Name: "Decode"}: 0,
	{Pkg: "gopkg.in/yaml.v2", Type: "Decoder", Name: "Decode"}: 0,
}

// cursorMethods, used as a for condition, advance over input of unknown length one item at a time.
var cursorMethods = map[apis.Method]string{
	{Pkg: "bufio", Type: "Scanner", Name: "Scan"}:         "Scan",
	{Pkg: "database/sql", Type: "Rows", Name: "Next"}:     "Next",
	{Pkg: "encoding/json", Type: "Decoder", Name: "More"}: "More",
}

// readMethods read one item of input per call; a loop that calls one and then spawns spawns per
// item read (requests on a connection, packets on a socket, lines of a stream).
var readMethods = map[apis.Method]bool{
	{Pkg: "encoding/json", Type: "Decoder", Name: "Decode"}:                  true,
	{Pkg: "encoding/gob", Type: "Decoder", Name: "Decode"}:                   true,
	{Pkg: "encoding/xml", Type: "Decoder", Name: "Decode"}:                   true,
	{Pkg: "encoding/csv", Type: "Reader", Name: "Read"}:                      true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadString"}:                       true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadBytes"}:                        true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadLine"}:                         true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadSlice"}:                        true,
	{Pkg: "net/textproto", Type: "Reader", Name: "ReadLine"}:                 true,
	{Pkg: "net", Type: "PacketConn", Name: "ReadFrom"}:                       true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadFrom"}:                          true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadFromUDP"}:                       true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadFromUDPAddrPort"}:               true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadMsgUDP"}:                        true,
	{Pkg: "github.com/gorilla/websocket", Type: "Conn", Name: "ReadMessage"}: true,
	{Pkg: "github.com/gorilla/websocket", Type: "Conn", Name: "ReadJSON"}:    true,
}

var readFuncs = map[apis.Func]bool{
	{Pkg: "net/http", Name: "ReadRequest"}: true,
}

// acceptNames are the method names of listeners: a loop that accepts and spawns is an accept loop,
// the standard shape of a server (silent unless report-accept-loops is set).
var acceptNames = map[string]bool{
	"Accept": true, "AcceptTCP": true, "AcceptUnix": true, "AcceptStream": true, "AcceptUniStream": true,
}

// limiterMethods acquire a concurrency slot before the spawn: the semaphore of x/sync and, by
// name, any method called Acquire/TryAcquire (pools and semaphores of other libraries follow that
// naming).
var limiterMethods = map[apis.Method]bool{
	{Pkg: "golang.org/x/sync/semaphore", Type: "Weighted", Name: "Acquire"}:    true,
	{Pkg: "golang.org/x/sync/semaphore", Type: "Weighted", Name: "TryAcquire"}: true,
	{Pkg: "golang.org/x/time/rate", Type: "Limiter", Name: "Wait"}:             true,
}

var limiterNames = map[string]bool{"Acquire": true, "TryAcquire": true, "AcquireContext": true}

// releaseNames give back a slot taken before the spawn: a goroutine that calls lim.Give(n) or
// lim.Release(n) on an object the iteration called a method on before spawning holds a slot of a
// limiter (a byte-weighted limiter: lim.TakeWithContext(ctx, n) ... defer lim.Give(n)). Done is not
// one: wg.Add(1) ... defer wg.Done() counts goroutines, it does not limit them.
var releaseNames = map[string]bool{"Release": true, "Give": true}

// boundedCounts are calls whose result bounds a counted loop by the machine, not the input.
var boundedCounts = map[apis.Func]bool{
	{Pkg: "runtime", Name: "GOMAXPROCS"}: true,
	{Pkg: "runtime", Name: "NumCPU"}:     true,
}

// componentTypes are the program's own serving components: a loop over them is start-up fan-out.
var componentTypes = []struct{ pkg, name string }{
	{"net", "Listener"}, {"net", "PacketConn"}, {"net", "TCPListener"}, {"net", "UnixListener"},
	{"net/http", "Server"}, {"google.golang.org/grpc", "Server"},
}

// componentSuffixes: a named element type whose name ends with one of these is a component of
// the program (configured at start-up, few), not an item of data.
var componentSuffixes = []string{
	"Server", "Listener", "Service", "Component", "Runnable", "Runner", "Plugin", "Module",
	"Manager", "Controller", "Subsystem", "Worker", "Daemon", "Handler", "Hook", "Exporter",
}

// componentMethods: an element type with one of these methods is a component (it is started, run
// or served), not an item of data.
var componentMethods = []string{"Start", "Run", "Serve", "ListenAndServe", "Shutdown"}

// isComponent reports whether items of type t are the program's own components (or functions:
// a slice of funcs has as many items as the code lists), not data.
func isComponent(t types.Type) bool {
	if t == nil {
		return false
	}
	t = types.Unalias(t)
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	switch u := t.Underlying().(type) {
	case *types.Signature:
		return true
	case *types.Chan:
		return true // a slice of channels is the program's plumbing (fan-in), one drainer each
	case *types.Struct:
		// A struct with a Run/Start/Serve function field is a runnable component (analysis.Analyzer).
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if _, isFunc := f.Type().Underlying().(*types.Signature); isFunc && slices.Contains(componentMethods, f.Name()) {
				return true
			}
		}
		if isNode(u) {
			return true
		}
	}
	for _, c := range componentTypes {
		if apis.IsNamed(t, c.pkg, c.name) {
			return true
		}
	}
	if n, ok := t.(*types.Named); ok {
		name := n.Obj().Name()
		for _, s := range componentSuffixes {
			if strings.HasSuffix(name, s) {
				return true
			}
		}
	}
	ms := types.NewMethodSet(types.NewPointer(t))
	if types.IsInterface(t) {
		ms = types.NewMethodSet(t)
	}
	for _, m := range componentMethods {
		for i := 0; i < ms.Len(); i++ {
			if ms.At(i).Obj().Name() == m {
				return true
			}
		}
	}
	return false
}

// isSignal reports whether values of a channel of elem type t are events rather than work items:
// struct{}, bool, error, time.Time (tickers), os.Signal. A loop spawning per signal or tick is
// periodic work, not fan-out over data.
func isSignal(t types.Type) bool {
	if t == nil {
		return true
	}
	if s, ok := t.Underlying().(*types.Struct); ok && s.NumFields() == 0 {
		return true
	}
	if b, ok := t.Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
		return true
	}
	return apis.IsNamed(t, "time", "Time") || apis.IsNamed(t, "os", "Signal") ||
		apis.IsNamed(t, "", "error") || types.Identical(t, types.Universe.Lookup("error").Type())
}

// teardownNames are methods that stop something: a goroutine that runs one (go p.Kill(),
// go c.Close()) is teardown, short and not per-item work.
var teardownNames = map[string]bool{
	"Kill": true, "Close": true, "Stop": true, "Cancel": true, "Shutdown": true,
}

// isNode reports whether a struct describes a network node: it has an address field (named Host or
// Hostname, or ending in Addr or Address) and a port field (ending in Port). Fan-out over nodes
// (one stats query per nsqd producer) is bounded by the cluster's topology, like fan-out over a
// parameter named hosts or peers.
func isNode(st *types.Struct) bool {
	addr, port := false, false
	for i := 0; i < st.NumFields(); i++ {
		name := st.Field(i).Name()
		switch {
		case name == "Host" || name == "Hostname" || strings.HasSuffix(name, "Addr") || strings.HasSuffix(name, "Address"):
			addr = true
		case strings.HasSuffix(name, "Port"):
			port = true
		}
	}
	return addr && port
}
