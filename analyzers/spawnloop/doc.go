// Package spawnloop defines an Analyzer that reports unbounded goroutine spawning in loops.
//
// # Analyzer spawnloop
//
// spawnloop: reports unbounded goroutine spawning in loops
//
// This analyzer is under construction: it reports nothing yet.
package spawnloop
