// Package asyncwrite defines an Analyzer that reports http.ResponseWriter and *http.Request used from goroutines that outlive the handler.
//
// # Analyzer asyncwrite
//
// asyncwrite: reports http.ResponseWriter and *http.Request used from goroutines that outlive the handler
//
// This analyzer is under construction: it reports nothing yet.
package asyncwrite
