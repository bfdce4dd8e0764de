// Package ctxdone defines an Analyzer that reports goroutines that can block forever with no cancellation exit.
//
// # Analyzer ctxdone
//
// ctxdone: reports goroutines that can block forever with no cancellation exit
//
// This analyzer is under construction: it reports nothing yet.
package ctxdone
