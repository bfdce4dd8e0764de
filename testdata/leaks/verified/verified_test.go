package verified

import (
	"testing"

	"github.com/goroguard/goroguard/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }

func TestStart(t *testing.T) {
	leakcheck.Check(t)
	Start()
}
