// Package closeorder exposes the close-order rule's analyzer, for Bazel's
// nogo.
package closeorder

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the close-order rule's analyzer.
var Analyzer = analyzers.Of(rules.CloseOrder)
