// A defer in a loop that calls a helper, which does more than release the
// resource: releasing it directly instead would drop the rest.
package viahelper

import (
	"log"
	"os"
)

func Check(names []string) error {
	closer := func(f *os.File, name string) {
		f.Close()
		log.Printf("checked %s", name)
	}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer closer(f, name) // want `f \(file from os.Open\) is released by a defer in a loop, .* \(no automatic fix: the deferred closer may do more than release it\)$`
		if _, err := f.Stat(); err != nil {
			return err
		}
	}
	return nil
}
