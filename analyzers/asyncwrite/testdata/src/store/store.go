// Package store is a data layer in the style of a gorm-backed schema package: a middleware puts
// the database handle into the request's context and the models take it out again. It does not
// import net/http; its facts say which functions only read values from their context.
package store

import (
	"context"
	"log/slog"
	"time"
)

// DB stands for a database handle (*gorm.DB); ctx is what WithContext attaches.
type DB struct{ ctx context.Context }

type dbKey struct{}

// WithDB derives a context carrying db: not quiet, the derived context is the caller's to use.
func WithDB(ctx context.Context, db *DB) context.Context { return context.WithValue(ctx, dbKey{}, db) }

// FromContext only reads the handle out of ctx.
func FromContext(ctx context.Context) *DB { // want FromContext:`uses\(quiet=0\)`
	db, _ := ctx.Value(dbKey{}).(*DB)
	return db
}

// WithContext attaches ctx to the handle: later queries stop when it is cancelled.
func (db *DB) WithContext(ctx context.Context) *DB {
	d := *db
	d.ctx = ctx
	return &d
}

// Find runs a query.
func (db *DB) Find(dst any) error { return nil }

// Host is a model.
type Host struct{ ID string }

// ListAll reads the handle out of ctx and queries through it: cancelling ctx changes nothing.
func (h *Host) ListAll(ctx context.Context, opts ...string) ([]Host, error) { // want ListAll:`uses\(quiet=0\)`
	var hosts []Host
	return hosts, FromContext(ctx).Find(&hosts)
}

// Get passes ctx on to a helper of this package that is quiet too.
func (h *Host) Get(ctx context.Context) error { return lookup(ctx, h.ID) } // want Get:`uses\(quiet=0\)`

func lookup(ctx context.Context, id string) error { // want lookup:`uses\(quiet=0\)`
	if ctx == nil {
		return nil
	}
	slog.DebugContext(ctx, "lookup", "id", id)
	return FromContext(ctx).Find(id)
}

// Touch ignores its context.
func (h *Host) Touch(_ context.Context) error { return nil } // want Touch:`uses\(quiet=0\)`

// Save attaches ctx to the query (gorm's db.WithContext(ctx)): cancelling ctx cancels the save.
func (h *Host) Save(ctx context.Context) error {
	return FromContext(ctx).WithContext(ctx).Find(h)
}

// Wait watches ctx: it is cut short by cancellation.
func (h *Host) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Second):
		return nil
	}
}

// Scoped derives a context and uses it for work.
func Scoped(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return (&Host{}).Wait(ctx)
}

// Keep stores ctx for later: whatever runs later runs under it.
func Keep(ctx context.Context, n int) *DB { return &DB{ctx: ctx} }
