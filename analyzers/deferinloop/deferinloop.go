// Package deferinloop exposes the defer-in-loop rule's analyzer, for
// Bazel's nogo.
package deferinloop

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the defer-in-loop rule's analyzer.
var Analyzer = analyzers.Of(rules.DeferInLoop)
