// Package listings is analysed with report-unknown-sources set: directory listings (os.ReadDir,
// globs, (*os.File).Readdirnames, the files go/build lists) count as input only in that mode. By
// default they are silent (TestListingsOffByDefault): a directory's size is chosen by whoever
// fills it, usually the deployment or the user (held-out: 0 of 2 such findings wanted).
package listings

import (
	"go/build"
	"os"
	"path/filepath"
	"sync"
)

func work(string) {}

// CompressDir starts one goroutine per file of a directory listing (moved from package a).
func CompressDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, e := range entries {
		wg.Add(1)
		go func() { // want `go statement in range over directory listing os.ReadDir\(dir\) starts one goroutine per item`
			defer wg.Done()
			work(filepath.Join(dir, e.Name()))
		}()
	}
	wg.Wait()
	return nil
}

// compressDirLimited is the near miss of CompressDir: a semaphore bounds it in either mode.
func compressDirLimited(dir string) {
	entries, _ := os.ReadDir(dir)
	sem := make(chan struct{}, 8)
	for _, e := range entries {
		sem <- struct{}{}
		go func() { defer func() { <-sem }(); work(e.Name()) }()
	}
}

// Globbed files: one goroutine per file matching a pattern (moved from package input).
func Globbed(pattern string) {
	files, _ := filepath.Glob(pattern)
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Go(func() { work(f) }) // want `sync.WaitGroup.Go in range over glob filepath.Glob\(pattern\) starts one goroutine per item`
	}
	wg.Wait()
}

// cleanLeftovers is the near miss of Globbed: the wildcard is written in the program, so the files
// are its own leftovers, in either mode.
func cleanLeftovers(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, ".write-check-*.tmp"))
	for _, f := range files {
		go work(f)
	}
}

// The cli extension-manager shape: a method returns what it found in a directory, built by append
// in a loop over the listing, and its caller checks each entry in a goroutine.
type Manager struct{ dir string }

type Extension struct{ Path string }

func (m *Manager) installed() []Extension {
	f, err := os.Open(m.dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	var exts []Extension
	for _, n := range names {
		exts = append(exts, Extension{Path: filepath.Join(m.dir, n)})
	}
	return exts
}

func (m *Manager) checkUpdates() {
	var wg sync.WaitGroup
	for _, e := range m.installed() {
		wg.Add(1)
		go func() { // want `go statement in range over exts \(items collected from range over directory listing f.Readdirnames\(-1\)\) returned by installed starts one goroutine per item`
			defer wg.Done()
			work(e.Path)
		}()
	}
	wg.Wait()
}

// checkPinned is the near miss of checkUpdates: the list is the program's own literal.
func (m *Manager) checkPinned() {
	for _, e := range []Extension{{Path: "a"}, {Path: "b"}} {
		go work(e.Path)
	}
}

// The srcimporter shape (moved from package input): an unexported function fans out over its
// parameter, and its caller passes the files go/build listed from a directory.
type importer struct{ ctxt *build.Context }

func (p *importer) importDir(path, dir string) error {
	bp, err := p.ctxt.Import(path, dir, 0)
	if err != nil {
		return err
	}
	var filenames []string
	filenames = append(filenames, bp.GoFiles...)
	filenames = append(filenames, bp.CgoFiles...)
	p.parseFiles(bp.Dir, filenames)
	return nil
}

func (p *importer) parseFiles(dir string, filenames []string) { // want parseFiles:"spawns per item of filenames"
	var wg sync.WaitGroup
	wg.Add(len(filenames))
	for _, name := range filenames {
		go func() { // want `go statement in range over parameter filenames \(importDir passes filenames \(package files bp.GoFiles\) at listings.go:\d+\) starts one goroutine per item`
			defer wg.Done()
			work(filepath.Join(dir, name))
		}()
	}
	wg.Wait()
}

// The nats-streaming-server recovery shape: one goroutine per channel directory, but each takes
// a token from a pool first (<-poolCh) that the named callee puts back: bounded in either mode.
type recoveryCtx struct {
	wg     *sync.WaitGroup
	poolCh chan struct{}
}

func recoverChannels(root string, parallel int) {
	dirs, _ := os.ReadDir(root)
	poolCh := make(chan struct{}, parallel)
	for i := 0; i < parallel; i++ {
		poolCh <- struct{}{}
	}
	var wg sync.WaitGroup
	ctx := &recoveryCtx{wg: &wg, poolCh: poolCh}
	for _, d := range dirs {
		name := d.Name()
		// This blocks when the maximum number of goroutines runs.
		<-poolCh
		wg.Add(1)
		go recoverOne(filepath.Join(root, name), ctx)
	}
	wg.Wait()
}

func recoverOne(dir string, ctx *recoveryCtx) {
	defer func() {
		ctx.wg.Done()
		ctx.poolCh <- struct{}{}
	}()
	work(dir)
}
