package main

// Code that needs a newer Go than goroguard was built with. goroguard type-checks with the
// go/types of the Go that built it, which refuses code for a newer language version ("package
// requires newer Go version go1.27 (application built with go1.26)") and cannot read a newer
// compiler's export data; the go command itself refuses a go.mod newer than it when
// GOTOOLCHAIN=local. Each package (and under the multichecker each analyzer) used to report it
// on its own line; the driver says it once, with the fix.

import (
	"fmt"
	"go/version"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
)

var (
	// go/types: "package requires newer Go version go1.27 (application built with go1.26)".
	newerTypesRE = regexp.MustCompile(`requires newer Go version (go[0-9][0-9.a-z]*)`)
	// cmd/go with GOTOOLCHAIN=local: "go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)".
	newerModRE = regexp.MustCompile(`requires go >= ([0-9][0-9.a-z]*) \(running go ([0-9][0-9.a-z]*)`)
	// export data written by a newer compiler.
	newerExportRE = regexp.MustCompile(`(?i)(unsupported (?:export data |iexport |unified IR export |)(?:format|version)|export data version|newer export (?:data|format))`)
)

// newerGo looks for the errors of code that needs a newer Go in go vet's failures and the
// analyzer errors, and returns the one line that replaces them.
func (d *driver) newerGo(failures []vetFailure, errs []string) (string, bool) {
	var texts []string
	for _, f := range failures {
		texts = append(texts, f.text)
	}
	texts = append(texts, errs...)
	all := strings.Join(texts, "\n")
	need := ""
	switch {
	case newerModRE.MatchString(all):
		need = "go" + newerModRE.FindStringSubmatch(all)[1]
	case newerTypesRE.MatchString(all):
		need = newerTypesRE.FindStringSubmatch(all)[1]
	case newerExportRE.MatchString(all):
		need = d.goCommandVersion()
		if need == "" || version.Compare(need, runtime.Version()) <= 0 {
			return "", false // an export data error of another kind
		}
	default:
		return "", false
	}
	return newerGoLine(need, runtime.Version(), d.goCommandVersion()), true
}

// newerGoLine is the message for code that needs Go need, seen by a goroguard built with Go
// built, where the go command is goCmd ("" if unknown).
func newerGoLine(need, built, goCmd string) string {
	toolchain := need
	if version.Lang(need) == need { // "go1.27": the first release is go1.27.0
		toolchain = need + ".0"
	}
	if goCmd != "" && version.Compare(goCmd, need) >= 0 && version.Lang(goCmd) == version.Lang(need) {
		toolchain = goCmd // the Go the user already has
	}
	return fmt.Sprintf("goroguard: this code needs %s, but goroguard was built with %s, whose type checker cannot analyse it: "+
		"reinstall goroguard with %s or newer, e.g. GOTOOLCHAIN=%s go install github.com/goroguard/goroguard/cmd/goroguard@latest",
		need, built, need, toolchain)
}

// goCommandVersion returns the version of the go command that runs in the working directory
// (after any toolchain switch), or "".
func (d *driver) goCommandVersion() string {
	if d.goVersion == "" {
		out, err := exec.Command("go", "env", "GOVERSION").Output()
		if err == nil {
			d.goVersion = strings.TrimSpace(string(out))
		}
		if !version.IsValid(d.goVersion) {
			d.goVersion = "-"
		}
	}
	if d.goVersion == "-" {
		return ""
	}
	return d.goVersion
}
