// Package pool is a stub of github.com/sourcegraph/conc/pool for spawnloop's tests.
package pool

type Pool struct{ max int }

func New() *Pool                              { return &Pool{} }
func (p *Pool) WithMaxGoroutines(n int) *Pool { p.max = n; return p }
func (p *Pool) Go(f func())                   { go f() }
func (p *Pool) Wait()                         {}
