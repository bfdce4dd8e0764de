package a

func nothing() {}
