// Package user hands files to package closer's helpers.
package user

import (
	"os"

	"example.com/cases/crosspkg/closer"
)

// Drained: closer.Drain closes the file, so nothing leaks.
func Drained(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return closer.Drain(f)
}

// Measured: closer.Size only borrows the file, which leaks here.
func Measured(path string) (int64, error) {
	f, err := os.Open(path) // want `f \(file from os.Open\) is never closed$`
	if err != nil {
		return 0, err
	}
	return closer.Size(f)
}
