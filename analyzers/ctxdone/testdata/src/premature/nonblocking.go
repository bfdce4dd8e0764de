package premature

type health struct{ ok bool }

func checkHealth() health { return health{} }

// pollHealth asks without waiting: the default case is taken as soon as the check is slower than
// the select, and the checker's send then has no receiver.
func pollHealth() (health, bool) {
	ch := make(chan health)
	go func() { // want `goroutine sends on ch, but the spawner can return at line \d+ without receiving from it`
		ch <- checkHealth()
	}()
	select {
	case h := <-ch:
		return h, true
	default:
		return health{}, false
	}
}

// pollHealthBuffered is the near miss: the buffer takes the late answer.
func pollHealthBuffered() (health, bool) {
	ch := make(chan health, 1)
	go func() {
		ch <- checkHealth()
	}()
	select {
	case h := <-ch:
		return h, true
	default:
		return health{}, false
	}
}
