// Package verified uses leakcheck itself: VerifyTestMain for the whole package, Check for one
// test. Under goroguard test, leakcheck's reports name the goroguard finding at the go statement.
package verified

// Start leaks a goroutine waiting for a reply nobody sends.
func Start() {
	reply := make(chan string)
	go func() {
		<-reply
	}()
}
