// Package directives exercises //goroguard:ignore with a fake analyzer named spawnloop that
// reports every go statement.
package directives

func work(int) {}

func sameLine() {
	go work(1) //goroguard:ignore spawnloop started once, at start-up
}

func lineAbove() {
	//goroguard:ignore spawnloop started once, at start-up
	go work(2)
}

func twoNames() {
	//goroguard:ignore ctxdone,spawnloop started once, at start-up
	go work(3)
}

// A directive for another analyzer does not suppress this one's finding.
func otherAnalyzer() {
	//goroguard:ignore ctxdone work never blocks
	go work(4) // want `go statement`
}

// A directive without a reason is reported and suppresses nothing.
func noReason() {
	/* want `//goroguard:ignore directive for spawnloop needs a reason` */ //goroguard:ignore spawnloop
	go work(5)                                                             // want `go statement`
}

// A directive naming no analyzer of the suite is reported (a typo would otherwise silently keep
// the finding).
func unknownName() {
	/* want `//goroguard:ignore names no goroguard analyzer` */ //goroguard:ignore spawnlop started once
	go work(6)                                                  // want `go statement`
}

// A directive two lines above is too far away.
func tooFar() {
	//goroguard:ignore spawnloop started once, at start-up

	go work(7) // want `go statement`
}

// Not a directive: the name runs on.
func notADirective() {
	//goroguard:ignorespawnloop started once
	go work(8) // want `go statement`
}

// A typo nearer another analyzer's name is reported by that analyzer, once for the suite, not by
// this one.
func otherTypo() {
	//goroguard:ignore ctxdon started once
	go work(9) // want `go statement`
}

// golangci-lint's //nolint naming the analyzer or the suite suppresses the finding under every
// entry point (golangci-lint itself only knows the plugin's name).
func nolintAnalyzer() {
	go work(10) //nolint:spawnloop // started once
}

func nolintSuite() {
	go work(11) //nolint:goroguard
}

func nolintList() {
	//nolint:errcheck,spawnloop // started once
	go work(12)
}

// A //nolint naming other linters or analyzers does not suppress this one's finding.
func nolintOther() {
	go work(13) //nolint:ctxdone,errcheck // want `go statement`
}

// Not golangci-lint's syntax ("// nolint" with a space is prose): nothing is suppressed.
func nolintProse() {
	go work(14) // nolint:spawnloop is mentioned here // want `go statement`
}
