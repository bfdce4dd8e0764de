package main

// SARIF 2.1.0 output (-sarif, -format sarif), for CI systems' code scanning: one rule per
// analyzer, with its summary and manual from doc.go; related locations; suggested fixes as
// replacements of byte ranges.

import (
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
)

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	toolURI      = "https://github.com/goroguard/goroguard"
	srcRoot      = "SRCROOT"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
	Invocations        []sarifInvocation           `json:"invocations"`
}

// sarifInvocation says whether the run succeeded; analyzer errors are its notifications.
type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	ShortDescription sarifMessage   `json:"shortDescription"`
	FullDescription  sarifMessage   `json:"fullDescription"`
	Help             sarifMessage   `json:"help"`
	HelpURI          string         `json:"helpUri,omitempty"`
	DefaultConfig    map[string]any `json:"defaultConfiguration"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifMessage `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
	// For replacements: a byte range.
	ByteOffset *int `json:"byteOffset,omitempty"`
	ByteLength *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifMessage `json:"insertedContent,omitempty"`
}

// ruleText returns an analyzer's one-line summary and its manual's first paragraph after it.
func ruleText(a *analysis.Analyzer) (summary, full string) {
	paras := strings.Split(strings.TrimSpace(a.Doc), "\n\n")
	summary = strings.TrimSpace(paras[0])
	full = summary
	for _, p := range paras[1:] {
		if p = strings.TrimSpace(p); p != "" && !strings.HasPrefix(p, "#") {
			full = strings.Join(strings.Fields(p), " ")
			break
		}
	}
	return summary, full
}

// ruleURI returns the address of an analyzer's manual.
func ruleURI(a *analysis.Analyzer) string {
	if a.URL != "" {
		return a.URL
	}
	return toolURI + "/blob/main/analyzers/" + a.Name + "/doc.go"
}

// writeSARIF writes the findings as a SARIF 2.1.0 log; file locations are relative to dir (the
// %SRCROOT% base) when inside it. The analyzers' errors and notes (packages that do not
// type-check) are the invocation's error notifications.
func writeSARIF(w io.Writer, dir string, all []*analysis.Analyzer, res *results, notes []string) error {
	ver := ""
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		ver = strings.TrimPrefix(bi.Main.Version, "v")
	}
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "goroguard", Version: ver, InformationURI: toolURI}},
		Results:    []sarifResult{},
		ColumnKind: "utf16CodeUnits",
	}
	if dir != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{srcRoot: {URI: fileURI(dir) + "/"}}
	}
	inv := sarifInvocation{ExecutionSuccessful: !res.hasErrors() && len(notes) == 0}
	for _, e := range append(notes, res.errorTexts()...) {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error", Message: sarifMessage{e}})
	}
	run.Invocations = []sarifInvocation{inv}
	index := map[string]int{}
	for i, a := range all {
		summary, full := ruleText(a)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: a.Name, Name: a.Name,
			ShortDescription: sarifMessage{summary},
			FullDescription:  sarifMessage{full},
			Help:             sarifMessage{a.Name + ": " + summary + "\n\n" + full + "\n\nManual: goroguard help " + a.Name + ", " + ruleURI(a)},
			HelpURI:          ruleURI(a),
			DefaultConfig:    map[string]any{"level": "warning"},
		})
		index[a.Name] = i
	}
	files := fileCache{}
	for _, f := range res.findings() {
		i, ok := index[f.analyzer]
		if !ok {
			i = -1
		}
		r := sarifResult{
			RuleID: f.analyzer, RuleIndex: i, Level: "warning",
			Message:   sarifMessage{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: files.physical(dir, f.Posn, f.End)}},
		}
		for j, rel := range f.Related {
			id := j + 1
			r.RelatedLocations = append(r.RelatedLocations, sarifLocation{
				ID: &id, PhysicalLocation: files.physical(dir, rel.Posn, rel.End), Message: &sarifMessage{rel.Message},
			})
		}
		for _, fix := range f.SuggestedFixes {
			sf := sarifFix{Description: sarifMessage{fix.Message}}
			byFile := map[string]int{}
			for _, e := range fix.Edits {
				k, ok := byFile[e.Filename]
				if !ok {
					k = len(sf.ArtifactChanges)
					byFile[e.Filename] = k
					sf.ArtifactChanges = append(sf.ArtifactChanges, sarifArtifactChange{ArtifactLocation: artifact(dir, e.Filename)})
				}
				off, n := e.Start, e.End-e.Start
				rep := sarifReplacement{DeletedRegion: sarifRegion{ByteOffset: &off, ByteLength: &n}}
				if e.New != "" {
					rep.InsertedContent = &sarifMessage{e.New}
				}
				sf.ArtifactChanges[k].Replacements = append(sf.ArtifactChanges[k].Replacements, rep)
			}
			if len(sf.ArtifactChanges) > 0 {
				r.Fixes = append(r.Fixes, sf)
			}
		}
		run.Results = append(run.Results, r)
	}
	data, err := json.MarshalIndent(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// artifact returns the location of file: relative to %SRCROOT% when inside dir, else a file URI.
func artifact(dir, file string) sarifArtifactLoc {
	if rel := relFile(dir, file); rel != file || !filepath.IsAbs(file) {
		return sarifArtifactLoc{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: srcRoot}
	}
	return sarifArtifactLoc{URI: fileURI(file)}
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// fileCache holds file contents for converting byte columns to UTF-16 columns.
type fileCache map[string][]string

func (c fileCache) physical(dir, posn, end string) sarifPhysical {
	file, line, col := parsePosn(posn)
	reg := sarifRegion{StartLine: line, StartColumn: c.column(file, line, col)}
	if ef, el, ec := parsePosn(end); ef == file && el > 0 {
		reg.EndLine, reg.EndColumn = el, c.column(file, el, ec)
		if reg.EndLine == reg.StartLine && reg.EndColumn < reg.StartColumn {
			reg.EndColumn = reg.StartColumn
		}
	}
	if reg.StartColumn == 0 {
		reg.StartColumn = 1
	}
	if reg.EndColumn == 0 {
		reg.EndLine, reg.EndColumn = 0, 0
	}
	return sarifPhysical{ArtifactLocation: artifact(dir, file), Region: reg}
}

// column converts a 1-based byte column to a 1-based UTF-16 column.
func (c fileCache) column(file string, line, col int) int {
	if col <= 0 {
		return 0
	}
	lines, ok := c[file]
	if !ok {
		data, _ := os.ReadFile(file)
		lines = strings.Split(string(data), "\n")
		c[file] = lines
	}
	if line < 1 || line > len(lines) {
		return col
	}
	text := lines[line-1]
	if col-1 > len(text) {
		return col
	}
	n := 0
	for _, r := range text[:col-1] {
		if r == utf8.RuneError {
			n++
			continue
		}
		n += len(utf16.Encode([]rune{r}))
	}
	return n + 1
}
