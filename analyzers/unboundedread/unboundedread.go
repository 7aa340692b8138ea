// Package unboundedread exposes the unbounded-read rule's analyzer, for Bazel's
// nogo.
package unboundedread

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the unbounded-read rule's analyzer.
var Analyzer = analyzers.Of(rules.UnboundedRead)
