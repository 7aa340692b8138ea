// Package unclosedwriter exposes the unclosed-writer rule's analyzer, for Bazel's
// nogo.
package unclosedwriter

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the unclosed-writer rule's analyzer.
var Analyzer = analyzers.Of(rules.UnclosedWriter)
