// Exits before the defer is registered lose nothing, and stay.
package testmainsetup

import (
	"os"
	"testing"
)

var dir = os.TempDir() + "/fixture"

func setup() error { return os.MkdirAll(dir, 0o755) }

func TestMain(m *testing.M) {
	if err := setup(); err != nil {
		println(err.Error())
		os.Exit(2)
	}
	defer os.RemoveAll(dir)
	os.Exit(m.Run()) // want `os.Exit skips the deferred os.RemoveAll\(dir\) on line \d+, which never runs$`
}
