package leakjoin

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Finding is one static finding, as goroguard -json reports it.
type Finding struct {
	Analyzer string `json:"analyzer"`
	Posn     string `json:"posn"` // file:line:col
	Message  string `json:"message"`
	// Within is file:line of the function (literal or declaration) whose body holds the finding,
	// unless the finding sits at a go statement or spawning call (then it is about the goroutine
	// started there, and its position is what matches). Set by AddWithin.
	Within string `json:"within,omitempty"`
}

// File and Line split Posn.
func (f Finding) File() string { file, _ := splitPosn(f.Posn); return file }

// Line returns the finding's line.
func (f Finding) Line() int { _, l := splitPosn(f.Posn); return l }

func splitPosn(p string) (string, int) {
	// file:line:col or file:line
	parts := strings.Split(p, ":")
	nums := 0
	for i := len(parts) - 1; i > 0 && nums < 2; i-- {
		if _, err := strconv.Atoi(parts[i]); err != nil {
			break
		}
		nums++
	}
	if nums == 0 {
		return p, 0
	}
	file := strings.Join(parts[:len(parts)-nums], ":")
	line, _ := strconv.Atoi(parts[len(parts)-nums])
	return file, line
}

// ParseFindings reads the -json output of goroguard (or of any go/analysis driver): an object of
// packages, each an object of analyzers, each a list of diagnostics with "posn" and "message".
// The same diagnostic reported for a package and its test variant is kept once. Analyzer errors
// ({"error": ...}) are returned separately.
func ParseFindings(out []byte) (fs []Finding, errs []string, err error) {
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[Finding]bool{}
	for {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("reading goroguard -json output: %v", err)
		}
		for _, byAnalyzer := range tree {
			for analyzer, raw := range byAnalyzer {
				var diags []struct {
					Posn    string `json:"posn"`
					Message string `json:"message"`
				}
				if json.Unmarshal(raw, &diags) != nil {
					var e struct {
						Err string `json:"error"`
					}
					if json.Unmarshal(raw, &e) == nil && e.Err != "" {
						errs = append(errs, analyzer+": "+e.Err)
					}
					continue
				}
				for _, d := range diags {
					f := Finding{Analyzer: analyzer, Posn: d.Posn, Message: d.Message}
					if d.Posn != "" && !seen[f] {
						seen[f] = true
						fs = append(fs, f)
					}
				}
			}
		}
	}
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File(), b.File()), cmp.Compare(a.Line(), b.Line()), cmp.Compare(a.Analyzer, b.Analyzer))
	})
	return fs, errs, nil
}

// samePath compares a profile's file with a finding's: equal after cleaning, or, when one of
// them is relative (a binary built with -trimpath writes "module/path/dir/file.go"), the two end
// with the same directory and file name.
func samePath(a, b string) bool {
	a, b = filepath.ToSlash(filepath.Clean(a)), filepath.ToSlash(filepath.Clean(b))
	if a == b {
		return true
	}
	if filepath.IsAbs(a) == filepath.IsAbs(b) {
		return false
	}
	ea, eb := strings.Split(a, "/"), strings.Split(b, "/")
	common := 0
	for common < len(ea) && common < len(eb) && ea[len(ea)-1-common] == eb[len(eb)-1-common] {
		common++
	}
	return common >= 2 || (common == 1 && (len(ea) == 1 || len(eb) == 1))
}

// Matches reports whether finding f is about leaked goroutine l: it sits at the goroutine's go
// statement (or the spawning call), or at a line of a user function on its stack.
func Matches(f Finding, l Leak) bool {
	file, line := f.File(), f.Line()
	if f.Within != "" && l.Entry != "" {
		// A finding inside the body of the function the goroutine runs (e.g. at a send that
		// can block, while the goroutine leaked at another operation).
		wf, wl := splitPosn(f.Within)
		ef, el := splitPosn(l.Entry)
		if wl == el && samePath(wf, ef) {
			return true
		}
	}
	for _, k := range l.Keys {
		kf, kl := splitPosn(k)
		if kl == line && samePath(kf, file) {
			return true
		}
	}
	return false
}

// Row is one line of the table: a go statement with its static findings and run-time leaks.
type Row struct {
	Site     string    `json:"site"`               // file:line of the go statement (or spawning call)
	Via      string    `json:"via,omitempty"`      // spawning API the profile names, if any
	Findings []Finding `json:"findings,omitempty"` // static side
	Leaks    int       `json:"leaks,omitempty"`    // leaked goroutines seen at run time
	Blocked  string    `json:"blocked,omitempty"`  // "chan send at file:line in func"
	Packages []string  `json:"packages,omitempty"` // test packages whose run showed the leak
}

// Table is the result of the join.
type Table struct {
	Confirmed   []Row `json:"confirmed"`    // static finding and run-time leak at the same go statement
	StaticOnly  []Row `json:"static_only"`  // reported, but no test made it leak
	RuntimeOnly []Row `json:"runtime_only"` // leaked in a test, not reported: the shape to learn from
}

// Source pairs a leak with the package directory whose tests showed it.
type Source struct {
	Leak
	Dir string
}

// Join groups leaks by site and matches them with findings. Findings of analyzers other than
// those in leakAnalyzers appear only when they match a leak (as extra findings of a confirmed
// row); only leak analyzers make "static only" rows.
func Join(findings []Finding, leaks []Source, leakAnalyzers []string) Table {
	type group struct {
		row      Row
		keys     []Leak
		matched  []Finding
		packages map[string]bool
	}
	var groups []*group
	bySite := map[string]*group{}
	for _, l := range leaks {
		key := l.Site.Pos() + "|" + l.Via
		g := bySite[key]
		if g == nil {
			g = &group{row: Row{Site: l.Site.Pos(), Via: l.Via}, packages: map[string]bool{}}
			g.row.Blocked = fmt.Sprintf("%s at %s in %s", l.WaitReason, l.BlockedAt.Pos(), l.BlockedAt.Func)
			bySite[key] = g
			groups = append(groups, g)
		}
		g.row.Leaks++
		g.keys = append(g.keys, l.Leak)
		if l.Dir != "" {
			g.packages[l.Dir] = true
		}
	}
	used := make([]bool, len(findings))
	var t Table
	for _, g := range groups {
		for i, f := range findings {
			for _, l := range g.keys {
				if Matches(f, l) {
					g.row.Findings = append(g.row.Findings, f)
					used[i] = true
					break
				}
			}
		}
		g.row.Packages = slices.Sorted(func(yield func(string) bool) {
			for p := range g.packages {
				if !yield(p) {
					return
				}
			}
		})
		if len(g.row.Findings) > 0 {
			t.Confirmed = append(t.Confirmed, g.row)
		} else {
			t.RuntimeOnly = append(t.RuntimeOnly, g.row)
		}
	}
	// Static only: one row per go statement. A finding inside a goroutine's function literal
	// joins the row of a finding at the go statement that starts it, if there is one.
	at := map[string]bool{}
	for _, f := range findings {
		file, line := splitPosn(f.Posn)
		at[file+":"+strconv.Itoa(line)] = true
	}
	rowOf := map[string]int{}
	for i, f := range findings {
		if used[i] || !slices.Contains(leakAnalyzers, f.Analyzer) {
			continue
		}
		file, line := splitPosn(f.Posn)
		key := file + ":" + strconv.Itoa(line)
		if f.Within != "" && at[f.Within] {
			key = f.Within
		}
		if j, ok := rowOf[key]; ok {
			t.StaticOnly[j].Findings = append(t.StaticOnly[j].Findings, f)
			continue
		}
		rowOf[key] = len(t.StaticOnly)
		t.StaticOnly = append(t.StaticOnly, Row{Site: key, Findings: []Finding{f}})
	}
	for _, rows := range []*[]Row{&t.Confirmed, &t.StaticOnly, &t.RuntimeOnly} {
		slices.SortFunc(*rows, func(a, b Row) int {
			af, al := splitPosn(a.Site)
			bf, bl := splitPosn(b.Site)
			return cmp.Or(cmp.Compare(af, bf), cmp.Compare(al, bl))
		})
	}
	return t
}

// Write prints the table as text; paths are shown relative to base when they are below it.
func (t Table) Write(w io.Writer, base string) {
	rel := func(p string) string {
		if base == "" {
			return p
		}
		file, line := splitPosn(p)
		if r, err := filepath.Rel(base, file); err == nil && !strings.HasPrefix(r, "..") {
			file = r
		}
		if line == 0 {
			return file
		}
		return file + ":" + strconv.Itoa(line)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "verdict\tgo statement\tstatic finding\trun-time leak\n")
	section := func(name string, rows []Row) {
		for _, r := range rows {
			site := rel(r.Site)
			if r.Via != "" {
				site += " (via " + shortFunc(r.Via) + ")"
			}
			static := "-"
			if len(r.Findings) > 0 {
				f := r.Findings[0]
				static = f.Analyzer + ": " + firstWords(f.Message, 10)
				if len(r.Findings) > 1 {
					static += fmt.Sprintf(" (+%d more)", len(r.Findings)-1)
				}
			}
			leak := "-"
			if r.Leaks > 0 {
				file, line := "", 0
				if i := strings.Index(r.Blocked, " at "); i >= 0 {
					rest := r.Blocked[i+4:]
					if j := strings.Index(rest, " in "); j >= 0 {
						file, line = splitPosn(rest[:j])
						leak = fmt.Sprintf("%d x %s at %s", r.Leaks, r.Blocked[:i], rel(file+":"+strconv.Itoa(line)))
					}
				}
				if file == "" {
					leak = fmt.Sprintf("%d x %s", r.Leaks, r.Blocked)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, site, static, leak)
		}
	}
	section("confirmed", t.Confirmed)
	section("static only", t.StaticOnly)
	section("run time only", t.RuntimeOnly)
	tw.Flush()
	fmt.Fprintf(w, "%d confirmed, %d static only, %d run time only\n", len(t.Confirmed), len(t.StaticOnly), len(t.RuntimeOnly))
}

func shortFunc(f string) string {
	if i := strings.LastIndex(f, "/"); i >= 0 {
		return f[i+1:]
	}
	return f
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) <= n {
		return s
	}
	return strings.Join(f[:n], " ") + " ..."
}
