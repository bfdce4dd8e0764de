// Package require is a stub of github.com/stretchr/testify/require: the calls the after-failure
// rule knows, with their signatures.
package require

// TestingT is what the assertions need of a test.
type TestingT interface {
	Errorf(format string, args ...interface{})
	FailNow()
}

func NoError(t TestingT, err error, msgAndArgs ...interface{}) {
	if err != nil {
		t.Errorf("%v", err)
		t.FailNow()
	}
}

func True(t TestingT, value bool, msgAndArgs ...interface{}) {
	if !value {
		t.FailNow()
	}
}

func Fail(t TestingT, failureMessage string, msgAndArgs ...interface{}) {
	t.Errorf("%s", failureMessage)
}

func FailNow(t TestingT, failureMessage string, msgAndArgs ...interface{}) { t.FailNow() }

// Assertions is require.New(t).
type Assertions struct{ t TestingT }

func New(t TestingT) *Assertions { return &Assertions{t} }

func (a *Assertions) NoError(err error, msgAndArgs ...interface{}) { NoError(a.t, err, msgAndArgs...) }

func (a *Assertions) FailNow(failureMessage string, msgAndArgs ...interface{}) {
	FailNow(a.t, failureMessage, msgAndArgs...)
}
