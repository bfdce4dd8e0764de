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

// dataFuncs return a slice whose length the input decides: a directory listing, a glob, the files
// of a package found on disk.
var dataFuncs = map[apis.Func]string{
	{Pkg: "os", Name: "ReadDir"}:           descDirListing,
	{Pkg: "io/ioutil", Name: "ReadDir"}:    descDirListing,
	{Pkg: "io/fs", Name: "ReadDir"}:        descDirListing,
	{Pkg: "path/filepath", Name: "Glob"}:   descGlob,
	{Pkg: "io/fs", Name: "Glob"}:           descGlob,
	{Pkg: "encoding/csv", Name: "ReadAll"}: "csv records",
	{Pkg: "go/build", Name: "Import"}:      descPackageFilesListed,
	{Pkg: "go/build", Name: "ImportDir"}:   descPackageFilesListed,
}

// dirListing reports whether a dataFuncs or dataMethods description names a directory listing: a
// directory's entries, a glob, the files of a package directory. The size of a directory is chosen by
// whoever fills it, usually the deployment or the user (an extensions directory, a store's channel
// directories): on held-out runs 0 of 2 such findings were wanted, so listings count only with
// report-unknown-sources.
func dirListing(desc string) bool {
	switch desc {
	case descDirListing, descGlob, descPackageFilesListed, descPackageFiles:
		return true
	}
	return false
}

// The descriptions of directory listings in the tables below; dirListing tells them apart.
const (
	descDirListing         = "directory listing"
	descGlob               = "glob"
	descPackageFilesListed = "package files listed by"
	descPackageFiles       = "package files"
)

// dataMethods are methods that return an input-sized collection.
var dataMethods = map[apis.Method]string{
	{Pkg: "os", Type: "File", Name: "ReadDir"}:             descDirListing,
	{Pkg: "os", Type: "File", Name: "Readdir"}:             descDirListing,
	{Pkg: "os", Type: "File", Name: "Readdirnames"}:        descDirListing,
	{Pkg: "encoding/csv", Type: "Reader", Name: "ReadAll"}: "csv records",
	{Pkg: "net/url", Type: "URL", Name: "Query"}:           "query parameters",
	{Pkg: "net/url", Type: "Values", Name: "Get"}:          "query parameter",
	{Pkg: "net/http", Type: "Request", Name: "Cookies"}:    "request cookies",
	{Pkg: "go/build", Type: "Context", Name: "Import"}:     descPackageFilesListed,
	{Pkg: "go/build", Type: "Context", Name: "ImportDir"}:  descPackageFilesListed,
}

// splitFuncs cut a string into items: the result follows input only when the string does (the
// index is the argument that is cut). strings.Split(os.Getenv("PEERS"), ",") is configuration.
var splitFuncs = map[apis.Func]int{
	{Pkg: "strings", Name: "Split"}:      0,
	{Pkg: "strings", Name: "SplitN"}:     0,
	{Pkg: "strings", Name: "SplitAfter"}: 0,
	{Pkg: "strings", Name: "Fields"}:     0,
	{Pkg: "strings", Name: "FieldsFunc"}: 0,
	{Pkg: "bytes", Name: "Split"}:        0,
	{Pkg: "bytes", Name: "SplitN"}:       0,
	{Pkg: "bytes", Name: "Fields"}:       0,
}

// textFuncs return input text: what a reader, a file or a request body holds.
var textFuncs = map[apis.Func]string{
	{Pkg: "io", Name: "ReadAll"}:         "text read by",
	{Pkg: "io/ioutil", Name: "ReadAll"}:  "text read by",
	{Pkg: "os", Name: "ReadFile"}:        "file contents read by",
	{Pkg: "io/ioutil", Name: "ReadFile"}: "file contents read by",
}

// textMethods return one piece of input text per call.
var textMethods = map[apis.Method]string{
	{Pkg: "bufio", Type: "Scanner", Name: "Text"}:            "line scanned by",
	{Pkg: "bufio", Type: "Scanner", Name: "Bytes"}:           "line scanned by",
	{Pkg: "bufio", Type: "Reader", Name: "ReadString"}:       "line read by",
	{Pkg: "bufio", Type: "Reader", Name: "ReadBytes"}:        "line read by",
	{Pkg: "net/textproto", Type: "Reader", Name: "ReadLine"}: "line read by",
}

// transformFuncs return a transformation of the text in the given argument (the same input).
var transformFuncs = map[apis.Func]int{
	{Pkg: "strings", Name: "TrimSpace"}: 0, {Pkg: "strings", Name: "Trim"}: 0,
	{Pkg: "strings", Name: "TrimPrefix"}: 0, {Pkg: "strings", Name: "TrimSuffix"}: 0,
	{Pkg: "strings", Name: "ToLower"}: 0, {Pkg: "bytes", Name: "TrimSpace"}: 0,
	{Pkg: "net/url", Name: "QueryUnescape"}: 0, {Pkg: "net/url", Name: "PathUnescape"}: 0,
}

// requestFields are the fields of *http.Request that hold input-sized collections.
var requestFields = map[string]bool{
	"Form": true, "PostForm": true, "Header": true, "Trailer": true, "MultipartForm": true,
}

// listingFields are struct fields that list what was found on disk (the field's package and name).
var listingFields = map[apis.Func]string{
	{Pkg: "go/build", Name: "GoFiles"}:                               descPackageFiles,
	{Pkg: "go/build", Name: "CgoFiles"}:                              descPackageFiles,
	{Pkg: "go/build", Name: "TestGoFiles"}:                           descPackageFiles,
	{Pkg: "go/build", Name: "XTestGoFiles"}:                          descPackageFiles,
	{Pkg: "golang.org/x/tools/go/packages", Name: "GoFiles"}:         descPackageFiles,
	{Pkg: "golang.org/x/tools/go/packages", Name: "CompiledGoFiles"}: descPackageFiles,
	{Pkg: "golang.org/x/tools/go/packages", Name: "OtherFiles"}:      descPackageFiles,
}

// chanMethods return a channel that delivers messages received from another process: a queue
// consumer, a subscription, an object listing.
var chanMethods = map[apis.Method]string{
	{Pkg: "github.com/IBM/sarama", Type: "PartitionConsumer", Name: "Messages"}:             "messages consumed from",
	{Pkg: "github.com/IBM/sarama", Type: "ConsumerGroupClaim", Name: "Messages"}:            "messages consumed from",
	{Pkg: "github.com/Shopify/sarama", Type: "PartitionConsumer", Name: "Messages"}:         "messages consumed from",
	{Pkg: "github.com/Shopify/sarama", Type: "ConsumerGroupClaim", Name: "Messages"}:        "messages consumed from",
	{Pkg: "github.com/rabbitmq/amqp091-go", Type: "Channel", Name: "Consume"}:               "deliveries consumed from",
	{Pkg: "github.com/streadway/amqp", Type: "Channel", Name: "Consume"}:                    "deliveries consumed from",
	{Pkg: "github.com/redis/go-redis/v9", Type: "PubSub", Name: "Channel"}:                  "messages subscribed from",
	{Pkg: "github.com/go-redis/redis/v8", Type: "PubSub", Name: "Channel"}:                  "messages subscribed from",
	{Pkg: "github.com/minio/minio-go/v7", Type: "Client", Name: "ListObjects"}:              "objects listed by",
	{Pkg: "github.com/minio/minio-go/v7", Type: "Client", Name: "ListenBucketNotification"}: "notifications received from",
}

// chanSubscribeFuncs deliver received messages into the channel argument at the index.
var chanSubscribeMethods = map[apis.Method]int{
	{Pkg: "github.com/nats-io/nats.go", Type: "Conn", Name: "ChanSubscribe"}:      1,
	{Pkg: "github.com/nats-io/nats.go", Type: "Conn", Name: "ChanQueueSubscribe"}: 2,
}

// decodeFuncs fill the value their pointer argument points to with input-sized data; the index is
// the pointer argument.
var decodeFuncs = map[apis.Func]int{
	{Pkg: "github.com/ethereum/go-ethereum/rlp", Name: "DecodeBytes"}: 1,
	{Pkg: "github.com/ethereum/go-ethereum/rlp", Name: "Decode"}:      1,
	{Pkg: "github.com/vmihailenco/msgpack/v5", Name: "Unmarshal"}:     1,
	{Pkg: "github.com/gogo/protobuf/proto", Name: "Unmarshal"}:        1,
	{Pkg: "github.com/golang/protobuf/proto", Name: "Unmarshal"}:      1,
	{Pkg: "github.com/hashicorp/nomad/nomad/structs", Name: "Decode"}: 1,
	{Pkg: "encoding/json", Name: "Unmarshal"}:                         1,
	{Pkg: "encoding/xml", Name: "Unmarshal"}:                          1,
	{Pkg: "gopkg.in/yaml.v2", Name: "Unmarshal"}:                      1,
	{Pkg: "gopkg.in/yaml.v3", Name: "Unmarshal"}:                      1,
	{Pkg: "sigs.k8s.io/yaml", Name: "Unmarshal"}:                      1,
	{Pkg: "google.golang.org/protobuf/proto", Name: "Unmarshal"}:      1,
}

// decodeMethods are decoders' methods (the index is the pointer argument); besides the table, any
// method named Decode with the decoder signature Decode(v any) error decodes into v (rlp streams,
// p2p messages, codec decoders).
var decodeMethods = map[apis.Method]int{
	{Pkg: "github.com/hashicorp/go-msgpack/v2/codec", Type: "Decoder", Name: "Decode"}: 0,
	{Pkg: "github.com/hashicorp/go-msgpack/codec", Type: "Decoder", Name: "Decode"}:    0,
	{Pkg: "encoding/json", Type: "Decoder", Name: "Decode"}:                            0,
	{Pkg: "encoding/xml", Type: "Decoder", Name: "Decode"}:                             0,
	{Pkg: "encoding/gob", Type: "Decoder", Name: "Decode"}:                             0,
	{Pkg: "gopkg.in/yaml.v3", Type: "Decoder", Name: "Decode"}:                         0,
	{Pkg: "gopkg.in/yaml.v2", Type: "Decoder", Name: "Decode"}:                         0,
}

// cursorMethods, used as a for condition, advance over input of unknown length one item at a time.
var cursorMethods = map[apis.Method]string{
	{Pkg: "bufio", Type: "Scanner", Name: "Scan"}:                "lines scanned by",
	{Pkg: "database/sql", Type: "Rows", Name: "Next"}:            "query rows of",
	{Pkg: "encoding/json", Type: "Decoder", Name: "More"}:        "JSON values decoded by",
	{Pkg: "github.com/jackc/pgx/v5", Type: "Rows", Name: "Next"}: "query rows of",
	{Pkg: "github.com/jmoiron/sqlx", Type: "Rows", Name: "Next"}: "query rows of",
}

// readMethods read one item of input per call; a loop that calls one and then spawns spawns per
// item read (requests on a connection, lines of a stream). The packet reads of packetReads are
// items too, but a loop that spawns right after one is an accept loop.
var readMethods = map[apis.Method]bool{
	{Pkg: "encoding/json", Type: "Decoder", Name: "Decode"}:                                             true,
	{Pkg: "encoding/gob", Type: "Decoder", Name: "Decode"}:                                              true,
	{Pkg: "encoding/xml", Type: "Decoder", Name: "Decode"}:                                              true,
	{Pkg: "encoding/csv", Type: "Reader", Name: "Read"}:                                                 true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadString"}:                                                  true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadBytes"}:                                                   true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadLine"}:                                                    true,
	{Pkg: "bufio", Type: "Reader", Name: "ReadSlice"}:                                                   true,
	{Pkg: "net/textproto", Type: "Reader", Name: "ReadLine"}:                                            true,
	{Pkg: "github.com/gorilla/websocket", Type: "Conn", Name: "ReadMessage"}:                            true,
	{Pkg: "github.com/gorilla/websocket", Type: "Conn", Name: "ReadJSON"}:                               true,
	{Pkg: "golang.org/x/net/websocket", Type: "Codec", Name: "Receive"}:                                 true,
	{Pkg: "github.com/ethereum/go-ethereum/p2p", Type: "MsgReader", Name: "ReadMsg"}:                    true,
	{Pkg: "github.com/nats-io/nats.go", Type: "Subscription", Name: "NextMsg"}:                          true,
	{Pkg: "github.com/segmentio/kafka-go", Type: "Reader", Name: "ReadMessage"}:                         true,
	{Pkg: "github.com/segmentio/kafka-go", Type: "Reader", Name: "FetchMessage"}:                        true,
	{Pkg: "github.com/redis/go-redis/v9", Type: "PubSub", Name: "ReceiveMessage"}:                       true,
	{Pkg: "github.com/confluentinc/confluent-kafka-go/v2/kafka", Type: "Consumer", Name: "ReadMessage"}: true,
}

var readFuncs = map[apis.Func]bool{
	{Pkg: "net/http", Name: "ReadRequest"}: true,
	{Pkg: "io", Name: "ReadFull"}:          true,
	{Pkg: "encoding/binary", Name: "Read"}: true,
}

// packetReads read one datagram of a packet socket. A loop that reads a packet and spawns per
// packet is the datagram form of an accept loop (miekg/dns serves UDP that way): a server's
// standard shape, reported only with report-accept-loops. On the held-out runs such loops were
// wanted once in five (a DNS forwarder); the others answered one peer or relay at a time, or ran
// in a mode the user opts in to (fortio's -udp-async).
var packetReads = map[apis.Method]bool{
	{Pkg: "net", Type: "PacketConn", Name: "ReadFrom"}:         true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadFrom"}:            true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadFromUDP"}:         true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadFromUDPAddrPort"}: true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadMsgUDP"}:          true,
	{Pkg: "net", Type: "UDPConn", Name: "ReadMsgUDPAddrPort"}:  true,
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
