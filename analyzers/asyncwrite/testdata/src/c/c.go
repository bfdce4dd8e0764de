// Package c is a response-helper library; its facts tell package b's analysis which helpers write
// to their ResponseWriter or read their request's body.
package c

import (
	"encoding/json"
	"io"
	"net/http"
)

// WriteJSON writes v as the response.
func WriteJSON(w http.ResponseWriter, code int, v any) error { // want WriteJSON:`uses\(writer=0\)`
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	return json.NewEncoder(w).Encode(v)
}

// Wrap keeps w inside the returned value: using the result later uses w.
func Wrap(w http.ResponseWriter) io.Writer { return struct{ io.Writer }{w} } // want Wrap:`uses\(writer=0\)`

// Status only inspects the type of w.
func Status(w http.ResponseWriter) string {
	if w == nil {
		return "none"
	}
	return "ok"
}

// Decode reads the request body into v.
func Decode(r *http.Request, v any) error { // want Decode:`uses\(body=0\)`
	return json.NewDecoder(r.Body).Decode(v)
}

// Handler is a handler type of the library whose ServeHTTP writes.
type Handler struct{ Msg string }

func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { // want ServeHTTP:`uses\(writer=0\)`
	io.WriteString(w, h.Msg)
}
