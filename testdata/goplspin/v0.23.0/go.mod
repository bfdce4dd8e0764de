module example.com/goplspin/v0.23.0

go 1.26.0

require github.com/goroguard/goroguard v0.0.0

require golang.org/x/tools v0.52.0 // indirect

replace github.com/goroguard/goroguard => ../../..

// The x/tools that gopls v0.23.0 pins: goroguard's analyzers must build against it too.
replace golang.org/x/tools => golang.org/x/tools v0.47.1-0.20260707181000-a299dadba899
