// Package gin is a service on the gin framework: *gin.Context is recycled for the next request
// once the handler returns, so a goroutine must work on c.Copy().
package gin

import (
	"context"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

func notifyLater(c *gin.Context) { // want notifyLater:`uses\(writer=0\)`
	go func() {
		time.Sleep(time.Second)
		log.Print("user ", c.Param("id")) // want `goroutine calls c.Param but handler notifyLater can return without waiting for it: the framework recycles the context for another request`
	}()
	c.JSON(http.StatusAccepted, gin.H{"queued": true})
}

func notifyCopy(c *gin.Context) { // want notifyCopy:`uses\(writer=0\)`
	cCp := c.Copy()
	go func() {
		time.Sleep(time.Second)
		log.Print("user ", cCp.Param("id")) // fine: the documented read-only copy
	}()
	c.JSON(http.StatusAccepted, gin.H{"queued": true})
}

func pathLater(c *gin.Context) { // want pathLater:`uses\(writer=0\)`
	go func() {
		time.Sleep(time.Second)
		log.Println("done in path " + c.Request.URL.Path) // want `goroutine reads c.Request but handler pathLater can return`
	}()
}

func respondLater(c *gin.Context) { // want respondLater:`uses\(writer=0\)`
	go respond(c) // want `goroutine runs respond with c but handler respondLater can return`
}

func respond(c *gin.Context) { c.String(http.StatusOK, "done") } // want respond:`uses\(writer=0\)`

func parallel(c *gin.Context) { // want parallel:`uses\(writer=0\)`
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Print(c.GetString(k)) // fine: the handler waits below
		}()
	}
	wg.Wait()
	c.JSON(http.StatusOK, nil)
}

func requestCtx(c *gin.Context) { // want requestCtx:`uses\(writer=0\)`
	ctx := c.Request.Context()
	go work(ctx) // want `goroutine passes request-derived context ctx to work but handler requestCtx can return`
}

func work(ctx context.Context) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://audit/", nil)
	if err == nil {
		http.DefaultClient.Do(req)
	}
}

// syncLater hands the framework context on where a context.Context is wanted: the callee uses
// it for values and cancellation, not to write the response.
func syncLater(c *gin.Context) { // want syncLater:`uses\(writer=0\)`
	go syncRepos(c) // fine: syncRepos takes it as a context.Context
	c.String(http.StatusOK, "ok")
}

func syncRepos(ctx context.Context) { _ = ctx.Err() }
