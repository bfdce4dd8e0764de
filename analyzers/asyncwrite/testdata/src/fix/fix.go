// Package fix exercises the context.WithoutCancel suggested fix.
package fix

import (
	"context"
	"database/sql"
	"log"
	"net/http"
)

type Repo struct{ db *sql.DB }

func (p *Repo) touch(ctx context.Context, id string) error {
	_, err := p.db.ExecContext(ctx, "UPDATE items SET seen = now() WHERE id = $1", id)
	return err
}

func (p *Repo) view(w http.ResponseWriter, r *http.Request) { // want view:`uses\(writer=0\)`
	id := r.PathValue("id")
	go func() {
		if err := p.touch(r.Context(), id); err != nil { // want `goroutine passes r.Context\(\) to p.touch but handler view can return without waiting for it`
			log.Print(err)
		}
	}()
	go p.touch(r.Context(), id) // want `goroutine passes r.Context\(\) to p.touch but handler view`
	ctx := r.Context()
	// No fix here: ctx also serves the handler's own work.
	go p.touch(ctx, id) // want `goroutine passes request-derived context ctx to p.touch`
	w.WriteHeader(http.StatusOK)
}
