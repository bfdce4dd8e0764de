module example.com/goplspin/v0.24.0

// gopls v0.24.0 needs Go 1.27: under an older go, GOTOOLCHAIN=auto fetches go1.27.3 to build this.
go 1.27.0

toolchain go1.27.3

require github.com/goroguard/goroguard v0.0.0

require golang.org/x/tools v0.52.0 // indirect

replace github.com/goroguard/goroguard => ../../..

// The x/tools that gopls v0.24.0 pins: goroguard's analyzers must build against it too.
replace golang.org/x/tools => golang.org/x/tools v0.51.1-0.20261014163302-24a65270771e
