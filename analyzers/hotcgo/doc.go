// Package hotcgo defines an Analyzer that reports cgo calls in hot goroutines.
//
// # Analyzer hotcgo
//
// hotcgo: reports cgo calls in hot goroutines
//
// This analyzer is under construction: it reports nothing yet.
package hotcgo
