// Package pkgpath reads what a package's import path says about its role in its module.
//
// Analyzers do not know a package's module root (go/analysis drivers do not all fill
// Pass.Module), so the root is guessed from the path's shape: three elements on the code hosts
// that name an owner and a repository (github.com/owner/repo), two on other hosts
// (example.com/e2e), one without a host. A module may itself be called e2e, test or cmd; only the
// elements below the root say what a package is for.
package pkgpath

import "strings"

// BelowRoot returns the elements of pkgPath below its guessed module root (nil for the root).
func BelowRoot(pkgPath string) []string {
	parts := strings.Split(pkgPath, "/")
	root := 1
	if strings.Contains(parts[0], ".") {
		root = 2
		switch parts[0] {
		case "github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitea.com":
			root = 3
		}
	}
	if root >= len(parts) {
		return nil
	}
	return parts[root:]
}

// Has reports whether one of the elements of pkgPath below its module root is in names.
func Has(pkgPath string, names map[string]bool) bool {
	for _, p := range BelowRoot(pkgPath) {
		if names[p] {
			return true
		}
	}
	return false
}
