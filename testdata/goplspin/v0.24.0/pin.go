// Package goplspin compiles every goroguard analyzer against the golang.org/x/tools version that
// gopls v0.24.0 (the gopls for Go 1.27) pins, with Go 1.27, as a gopls v0.24.0 build does.
// analyzers/goplspin_test.go builds it.
package goplspin

import (
	_ "github.com/goroguard/goroguard/analyzers"
)
