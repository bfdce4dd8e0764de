// Package gin is a stub of github.com/gin-gonic/gin for asyncwrite's tests.
package gin

import (
	"io"
	"net/http"
	"time"
)

type H map[string]any

type Context struct {
	Request *http.Request
	Writer  http.ResponseWriter
	Keys    map[string]any
}

func (c *Context) JSON(code int, obj any)              {}
func (c *Context) String(code int, f string, a ...any) {}
func (c *Context) Copy() *Context                      { return &Context{Request: c.Request, Keys: c.Keys} }
func (c *Context) Param(key string) string             { return "" }
func (c *Context) GetString(key string) string         { return "" }
func (c *Context) Header(key, value string)            {}

// Stream calls step until it returns false or the client goes away, as gin's does.
func (c *Context) Stream(step func(w io.Writer) bool) bool {
	for step(c.Writer) {
	}
	return false
}

// Context implements context.Context, as gin's does.
func (c *Context) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *Context) Done() <-chan struct{}       { return nil }
func (c *Context) Err() error                  { return nil }
func (c *Context) Value(key any) any           { return nil }

type HandlerFunc func(*Context)

type Engine struct{}

func (e *Engine) GET(path string, h ...HandlerFunc) {}
