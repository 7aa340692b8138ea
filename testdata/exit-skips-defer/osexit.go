// os.Exit in main carries a status that no error can.
package main

import (
	"compress/gzip"
	"fmt"
	"os"
)

func main() {
	zw := gzip.NewWriter(os.Stdout)
	defer zw.Close()
	if _, err := zw.Write([]byte("hello")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3) // want `os.Exit skips the deferred zw.Close\(\) on line 12, which never runs \(no automatic fix: os.Exit on line 15 has no error to return in its place\)`
	}
}
