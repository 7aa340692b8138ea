package main

import (
	"strings"
)

// invokedByGoCommand reports whether the go command runs leakfix as its
// analysis tool, "go vet -vettool=leakfix" or "go fix -fixtool=leakfix",
// by the unitchecker protocol (golang.org/x/tools/go/analysis/unitchecker):
// it asks "-V=full" for a build ID and "-flags" for the flags it may pass
// on, then runs "leakfix [flags] unit.cfg" once per package. Neither is a
// command line a person types to leakfix.
func invokedByGoCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch first := args[0]; {
	case first == "-flags", first == "-V", strings.HasPrefix(first, "-V="):
		return true
	}
	return strings.HasSuffix(args[len(args)-1], ".cfg")
}
