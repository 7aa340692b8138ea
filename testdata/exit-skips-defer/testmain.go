// TestMain that exits past its own deferred cleanup.
package testmain

import (
	"os"
	"testing"
)

var dir string

func TestMain(m *testing.M) {
	var err error
	dir, err = os.MkdirTemp("", "fixture")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.Exit(m.Run()) // want `os.Exit skips the deferred os.RemoveAll\(dir\) on line 17, which never runs$`
}
