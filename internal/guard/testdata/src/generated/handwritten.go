package generated

func handwrittenSpawn() {
	go work() // want `go statement`
}
