// Package consume is a model-serving API whose handlers start a generator goroutine and consume
// its output: the goroutine sends results on a channel and closes it when done, and the handler
// drains the channel (in place, through a helper, or through a framework streaming callback).
// Draining until the close waits for the goroutine; a drain that can stop early (an error, the
// client gone) still counts as waiting for the request context, but not for writes.
package consume

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

type Runner interface {
	Completion(ctx context.Context, prompt string, fn func(tok string)) error
	Tokenize(ctx context.Context, s string) ([]int, error)
}

type Server struct{ r Runner }

// generate is the shape of a gin streaming API: the goroutine generates under the request's
// context and closes ch; the non-streaming path ranges over ch (returning early on an error
// value), the streaming path hands ch to a helper whose c.Stream callback receives until the close.
// Stopping when the client leaves is what the request context is for.
func (s *Server) generate(c *gin.Context) { // want generate:`uses\(writer=0\)`
	ch := make(chan any)
	go func() {
		defer close(ch)
		ctx, cancel := context.WithCancel(c.Request.Context()) // fine: the handler consumes ch
		defer cancel()
		if err := s.r.Completion(ctx, "", func(tok string) { ch <- tok }); err != nil {
			ch <- gin.H{"error": err.Error()}
		}
	}()
	if c.GetString("stream") == "false" {
		var out string
		for v := range ch {
			switch t := v.(type) {
			case string:
				out += t
			case gin.H:
				c.JSON(http.StatusInternalServerError, t)
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"response": out})
		return
	}
	streamResponse(c, ch)
}

// generateLeaky is generate's near miss: the goroutine also uses the framework context for more
// than the request's context (c.Param after the handler may have returned on an error value).
func (s *Server) generateLeaky(c *gin.Context) { // want generateLeaky:`uses\(writer=0\)`
	ch := make(chan any)
	go func() {
		defer close(ch)
		ctx, cancel := context.WithCancel(c.Request.Context())
		defer cancel()
		if err := s.r.Completion(ctx, "", func(tok string) { ch <- tok }); err != nil {
			ch <- gin.H{"error": err.Error()}
		}
		c.Header("X-Done", "1") // want `goroutine calls c.Header but handler generateLeaky can return without waiting for it: the framework recycles`
	}()
	for v := range ch {
		if h, ok := v.(gin.H); ok {
			c.JSON(http.StatusInternalServerError, h)
			return
		}
	}
}

// detached uses the request's context through the framework context and nothing consumes the
// goroutine's output: reported.
func (s *Server) detached(c *gin.Context) { // want detached:`uses\(writer=0\)`
	go func() {
		s.r.Tokenize(c.Request.Context(), "warm-up") // want `goroutine calls c.Request.Context but handler detached can return without waiting for it: the framework recycles` `goroutine passes c.Request.Context\(\) to s.r.Tokenize but handler detached can return`
	}()
	c.JSON(http.StatusAccepted, nil)
}

func streamResponse(c *gin.Context, ch chan any) { // want streamResponse:`uses\(writer=0\)`
	c.Header("Content-Type", "application/x-ndjson")
	c.Stream(func(w io.Writer) bool {
		v, ok := <-ch
		if !ok {
			return false
		}
		b, _ := json.Marshal(v)
		_, err := w.Write(append(b, '\n'))
		return err == nil
	})
}

// streamInline consumes the goroutine's output through a c.Stream callback written in place: the
// callback stops when the client leaves, and the generation under the request's context stops
// with it.
func (s *Server) streamInline(c *gin.Context) { // want streamInline:`uses\(writer=0\)`
	ch := make(chan string)
	ctx := c.Request.Context()
	go func() {
		defer close(ch)
		s.r.Completion(ctx, "", func(tok string) { ch <- tok }) // fine: the callback below consumes ch
	}()
	c.Stream(func(w io.Writer) bool {
		tok, ok := <-ch
		if !ok {
			return false
		}
		_, err := io.WriteString(w, tok)
		return err == nil
	})
}

// streamInlineOpen is streamInline's near miss: the goroutine never closes its channel, so the
// callback's receives say nothing about the goroutine being done.
func (s *Server) streamInlineOpen(c *gin.Context) { // want streamInlineOpen:`uses\(writer=0\)`
	ch := make(chan string)
	ctx := c.Request.Context()
	go func() {
		s.r.Completion(ctx, "", func(tok string) { ch <- tok }) // want `goroutine passes request-derived context ctx to s.r.Completion but handler streamInlineOpen can return`
	}()
	c.Stream(func(w io.Writer) bool {
		tok := <-ch
		_, err := io.WriteString(w, tok)
		return err == nil
	})
}

// serveStream is a plain net/http handler that hands its step function to a helper; the
// goroutine's own writes to w are not covered by a consumption that can stop early.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request) { // want serveStream:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		defer close(ch)
		w.Header().Set("X-Model", "m") // want `goroutine calls w.Header but handler serveStream can return without waiting for it: the response may already be finished`
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok })
	}()
	pump(w, func(out io.Writer) bool {
		tok, ok := <-ch
		if !ok {
			return false
		}
		_, err := io.WriteString(out, tok)
		return err == nil
	})
}

// serveStreamCtx is serveStream's near miss: the goroutine only works under the request's
// context, which is cancelled when the pump stops for a gone client.
func (s *Server) serveStreamCtx(w http.ResponseWriter, r *http.Request) { // want serveStreamCtx:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		defer close(ch)
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok }) // fine: consumed by the pump
	}()
	pump(w, func(out io.Writer) bool {
		tok, ok := <-ch
		if !ok {
			return false
		}
		_, err := io.WriteString(out, tok)
		return err == nil
	})
}

// pump calls step until it returns false or the client is gone.
func pump(w http.ResponseWriter, step func(io.Writer) bool) { // want pump:`uses\(writer=0\)`
	for step(w) {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

// lines drains the channel until the goroutine closes it (a range with no way out): the
// goroutine's last write (a trailer) happens before the close, so it is waited for.
func (s *Server) lines(w http.ResponseWriter, r *http.Request) { // want lines:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		defer close(ch)
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok })
		w.Header().Set("Trailer-Count", "n") // fine: the range below runs until the close
	}()
	for tok := range ch {
		io.WriteString(w, tok)
	}
}

// linesEarly is lines' near miss: the consume loop returns on a write error, and the goroutine
// then still sets the trailer.
func (s *Server) linesEarly(w http.ResponseWriter, r *http.Request) { // want linesEarly:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok }) // fine: the handler consumes ch
		w.Header().Set("Trailer-Count", "n")                            // want `goroutine calls w.Header but handler linesEarly can return without waiting for it`
		close(ch)
	}()
	for {
		tok, ok := <-ch
		if !ok {
			return // fine: the goroutine closed ch, it is done
		}
		if _, err := io.WriteString(w, tok); err != nil {
			return
		}
	}
}

// linesOK is the comma-ok loop that leaves only through the close.
func (s *Server) linesOK(w http.ResponseWriter, r *http.Request) { // want linesOK:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		defer close(ch)
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok })
		w.Header().Set("Trailer-Count", "n") // fine: the loop below leaves only when ch is closed
	}()
	for {
		tok, ok := <-ch
		if !ok {
			return
		}
		io.WriteString(w, tok)
	}
}

// consumer is not a wait: a second goroutine drains the output while the handler returns.
func (s *Server) consumer(w http.ResponseWriter, r *http.Request) { // want consumer:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		defer close(ch)
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok }) // want `goroutine passes r.Context\(\) to s.r.Completion but handler consumer can return`
	}()
	go drain(func() bool { _, ok := <-ch; return ok })
	w.WriteHeader(http.StatusAccepted)
}

func drain(step func() bool) {
	for step() {
	}
}

// produce is a named generator: it closes its output when done.
func (s *Server) produce(ctx context.Context, out chan<- string) {
	defer close(out)
	s.r.Completion(ctx, "", func(tok string) { out <- tok })
}

// produceUnclosed leaves its output open.
func (s *Server) produceUnclosed(ctx context.Context, out chan<- string) {
	s.r.Completion(ctx, "", func(tok string) { out <- tok })
}

// named consumes a named generator's output through the streaming callback; the comma-ok
// receive is written as if ok { ... } else { ... }.
func (s *Server) named(c *gin.Context) { // want named:`uses\(writer=0\)`
	ch := make(chan string)
	go s.produce(c.Request.Context(), ch) // fine: the callback consumes ch, which produce closes
	c.Stream(func(w io.Writer) bool {
		if tok, ok := <-ch; ok {
			io.WriteString(w, tok)
			return true
		} else {
			return false
		}
	})
}

// namedUnclosed is named's near miss: the generator never closes ch.
func (s *Server) namedUnclosed(c *gin.Context) { // want namedUnclosed:`uses\(writer=0\)`
	ch := make(chan string)
	go s.produceUnclosed(c.Request.Context(), ch) // want `goroutine passes c.Request.Context\(\) to s.produceUnclosed but handler namedUnclosed can return`
	c.Stream(func(w io.Writer) bool {
		tok := <-ch
		io.WriteString(w, tok)
		return true
	})
}

// linesElse leaves its comma-ok loop in the else branch of if ok, which has seen the close.
func (s *Server) linesElse(w http.ResponseWriter, r *http.Request) { // want linesElse:`uses\(writer=0\)`
	ch := make(chan string)
	go func() {
		defer close(ch)
		s.r.Completion(r.Context(), "", func(tok string) { ch <- tok })
		w.Header().Set("Trailer-Count", "n") // fine: the loop below leaves only when ch is closed
	}()
	for {
		if tok, ok := <-ch; ok {
			io.WriteString(w, tok)
		} else {
			return
		}
	}
}
