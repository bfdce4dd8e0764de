package main

// Packages the go command cannot load. go vet loads every package and dependency first and, if
// any of them fails to load (a module the proxy does not serve, a //go:embed pattern that matches
// no files, a replace to a missing directory), prints those errors and analyses nothing at all.
// The driver then asks go list which packages fail to load, runs go vet again on the requested
// packages whose dependencies all load, and hands the rest to the fallback (fallback.go), which
// analyses the importers of the broken packages as far as their types allow.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strings"
)

// loadErr is why a package cannot be loaded: go list's error and what it means.
type loadErr struct {
	pos    string // where it is imported or embedded ("file:line:col"), if known
	err    string // the go command's error, without the position
	cause  string // "module", "embed" or "" (another error)
	module string // the module at fault ("path@version" or "path"), for cause "module"
}

// listedPkg is the part of go list -json the driver reads.
type listedPkg struct {
	ImportPath string
	ForTest    string
	DepOnly    bool
	Error      *listErr
	DepsErrors []*listErr
}

type listErr struct {
	Pos string
	Err string
}

// loadErrors is what go list says about the packages go vet could not load.
type loadErrors struct {
	broken   map[string]*loadErr // package path → why it cannot be loaded
	vettable []string            // requested packages whose dependencies (tests' included) all load
	blocked  int                 // requested packages that are broken or import a broken package
}

// hasGoErrors reports whether go vet printed errors of the go command itself (outside any package
// block): the sign that it could not load the packages and so ran no analysis.
func hasGoErrors(failures []vetFailure) bool {
	return slices.ContainsFunc(failures, func(f vetFailure) bool { return f.pkg == "" })
}

// listLoadErrors asks go list which of the requested packages and their dependencies cannot be
// loaded. It returns nil when none (go vet's errors were of another kind).
func (d *driver) listLoadErrors() (*loadErrors, error) {
	// The EmbedFiles fields make go list resolve //go:embed patterns (it skips that work when no
	// field needs it), as go vet does.
	args := []string{"list", "-e", "-deps", "-test", "-json=ImportPath,ForTest,DepOnly,Error,DepsErrors,EmbedFiles,TestEmbedFiles,XTestEmbedFiles"}
	if d.opts.tags != "" {
		args = append(args, "-tags="+d.opts.tags)
	}
	args = append(args, d.patterns...)
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	le := &loadErrors{broken: map[string]*loadErr{}}
	var requested []string
	failing := map[string]bool{} // requested package → it or one of its test variants does not load
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list's output: %v", err)
		}
		path := basePath(p.ImportPath)
		if p.Error != nil {
			if _, ok := le.broken[path]; !ok {
				le.broken[path] = classify(p.Error)
			}
		}
		// The package a test variant, an external test package or a test main belongs to.
		owner := p.ForTest
		if owner == "" && strings.HasSuffix(path, ".test") && p.ImportPath == path {
			owner = strings.TrimSuffix(path, ".test")
		}
		if owner == "" && !p.DepOnly {
			requested = append(requested, path)
		} else if owner == "" {
			continue
		}
		if p.Error != nil || len(p.DepsErrors) > 0 {
			failing[cmpOr(owner, path)] = true
		}
	}
	if len(le.broken) == 0 {
		return nil, nil
	}
	for _, path := range requested {
		if failing[path] {
			le.blocked++
			continue
		}
		if !slices.Contains(le.vettable, path) {
			le.vettable = append(le.vettable, path)
		}
	}
	d.attributeModules(le)
	return le, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var (
	// "pattern all:dist/*: no matching files found", "pattern x: cannot embed directory x: ...".
	embedRE = regexp.MustCompile(`^pattern (\S+): `)
	// "github.com/x/y@v1.0.0: reading https://proxy.golang.org/...: 403 Forbidden".
	moduleAtRE = regexp.MustCompile(`^(\S+@v\S+?): `)
	// The go command's errors about a module that cannot be found or downloaded.
	moduleErrRE = regexp.MustCompile(`module lookup disabled|replacement directory|missing go\.sum entry|no required module provides|cannot find module providing|unknown revision|invalid version|verifying module|reading https?://|410 Gone|404 Not Found|403 Forbidden`)
	// The go command's errors about a directory outside any module (no go.mod above it).
	noModuleRE = regexp.MustCompile(`does not contain main module|go\.mod file not found|cannot find main module`)
	// A position at the start of go list's error text.
	leadPosRE = regexp.MustCompile(`^(\S+\.go:\d+(?::\d+)?): `)
)

// classify reads go list's error for a package.
func classify(e *listErr) *loadErr {
	text := strings.TrimSpace(e.Err)
	pos := e.Pos
	if m := leadPosRE.FindStringSubmatch(text); m != nil {
		pos, text = cmpOr(pos, m[1]), strings.TrimPrefix(text, m[0])
	} else if pos != "" {
		text = strings.TrimPrefix(text, pos+": ")
	}
	le := &loadErr{pos: pos, err: text}
	switch {
	case noModuleRE.MatchString(text):
		// "pattern ./...: directory prefix . does not contain main module": a command-line
		// pattern, not a //go:embed one.
		le.cause = "nomodule"
	case embedRE.MatchString(text):
		le.cause = "embed"
	case moduleAtRE.MatchString(text):
		le.cause = "module"
		le.module = moduleAtRE.FindStringSubmatch(text)[1]
	case moduleErrRE.MatchString(text):
		le.cause = "module"
	}
	return le
}

// attributeModules names the module of the broken packages whose error does not: the longest
// requirement of the main module's go.mod that contains the package.
func (d *driver) attributeModules(le *loadErrors) {
	need := false
	for _, e := range le.broken {
		need = need || (e.cause == "module" && e.module == "")
	}
	if !need {
		return
	}
	out, err := exec.Command("go", "mod", "edit", "-json").Output()
	if err != nil {
		return
	}
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if json.Unmarshal(out, &mod) != nil {
		return
	}
	for path, e := range le.broken {
		if e.cause != "module" || e.module != "" {
			continue
		}
		best := ""
		for _, r := range mod.Require {
			if (path == r.Path || strings.HasPrefix(path, r.Path+"/")) && len(r.Path) > len(best) {
				best, e.module = r.Path, r.Path+"@"+r.Version
			}
		}
	}
}

// hint says what the user can do about a package that cannot be loaded.
func (e *loadErr) hint() string {
	switch e.cause {
	case "embed":
		pattern := embedRE.FindStringSubmatch(e.err)[1]
		where := ""
		if e.pos != "" {
			where = " at " + e.pos
		}
		if strings.Contains(e.err, "no matching files") {
			return fmt.Sprintf("the //go:embed pattern %s%s matches no files: they are usually generated by a build step (a web front end's dist directory, say); "+
				"run that step first, or create a placeholder file the pattern matches", pattern, where)
		}
		return fmt.Sprintf("fix the //go:embed pattern %s%s, or the files it names", pattern, where)
	case "module":
		mod := "the module that provides it"
		get := "go mod download"
		if e.module != "" {
			mod = "module " + e.module
			get = "go mod download " + e.module
		}
		switch {
		case strings.Contains(e.err, "replacement directory"):
			return "the replace directive in go.mod points at a directory that does not exist: create it (check out the module there) or remove the replace"
		case strings.Contains(e.err, "missing go.sum entry"):
			return "go.sum lacks " + mod + ": run go mod tidy (or the go get command above)"
		case strings.Contains(e.err, "no required module provides"), strings.Contains(e.err, "cannot find module providing"):
			return "no module in go.mod provides it: go get it, or fix the import path"
		case strings.Contains(e.err, "module lookup disabled"):
			return mod + " is not in the module cache and GOPROXY=off forbids downloading it: run " + get + " with a proxy, or vendor it"
		}
		return mod + " cannot be downloaded: if the proxy does not serve it (a private, retracted or withdrawn module), " +
			"let the go command fetch it from its origin (GOPRIVATE or GONOPROXY, with GONOSUMDB), use a vendor directory, or replace it in go.mod; then " + get
	}
	if e.cause == "nomodule" {
		return "run goroguard in a module: a directory with a go.mod file or below one (go mod init creates one); for a go.work workspace, run it where go.work can see the module"
	}
	return "fix the error; the go command cannot load the package"
}

// what names the cause for the first line of the report.
func (e *loadErr) what() string {
	switch e.cause {
	case "embed":
		if strings.Contains(e.err, "no matching files") {
			return "a //go:embed pattern matches no files"
		}
		return "a //go:embed pattern fails"
	case "module":
		if e.module != "" {
			return "module " + e.module + " is missing"
		}
		return "its module is missing"
	case "nomodule":
		return "the directory is not inside a module"
	}
	return "the go command cannot load it"
}
