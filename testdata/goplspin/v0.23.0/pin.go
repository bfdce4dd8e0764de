// Package goplspin compiles every goroguard analyzer against the golang.org/x/tools version that
// gopls v0.23.0 (the gopls for Go 1.26) pins, so an API newer than that pin fails here before it
// fails a gopls build. analyzers/goplspin_test.go builds it.
package goplspin

import (
	_ "github.com/goroguard/goroguard/analyzers"
)
