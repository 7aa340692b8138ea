// Package exitskipsdefer exposes the exit-skips-defer rule's analyzer, for Bazel's
// nogo.
package exitskipsdefer

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the exit-skips-defer rule's analyzer.
var Analyzer = analyzers.Of(rules.ExitSkipsDefer)
