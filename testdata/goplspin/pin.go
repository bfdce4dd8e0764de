// Package goplspin compiles every goroguard analyzer against the golang.org/x/tools version that
// gopls v0.23.0 pins, so an API newer than that pin fails here before it fails a gopls build.
package goplspin

import (
	_ "github.com/goroguard/goroguard/analyzers"
)
