module example.com/leaks

go 1.26.0

require (
	github.com/goroguard/goroguard v0.0.0
	golang.org/x/sync v0.25.0
)

// leakcheck comes from this checkout.
replace github.com/goroguard/goroguard => ../..
