// Package typeparams exercises generics: generic helpers, generic handler types, instantiated calls.
package typeparams

import (
	"encoding/json"
	"net/http"
)

// Send writes any value as JSON.
func Send[T any](w http.ResponseWriter, v T) { // want Send:`uses\(writer=0\)`
	json.NewEncoder(w).Encode(v)
}

type Resource[T any] struct{ items []T }

func (rs *Resource[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) { // want ServeHTTP:`uses\(writer=0\)`
	go Send[[]T](w, rs.items) // want `goroutine runs Send\[\[\]T\] with w but handler ServeHTTP can return`
	go Send(w, len(rs.items)) // want `goroutine runs Send with w`
	done := make(chan bool)
	go func() {
		Send(w, rs.items) // fine: waited below
		done <- true
	}()
	<-done
}

func Handle[T any](decode func(*http.Request) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		go func() {
			v, _ := decode(r) // fine: an unknown function value is not assumed to read the body
			Send(w, v)        // want `goroutine passes w to Send`
		}()
	}
}
