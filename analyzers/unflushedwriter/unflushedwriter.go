// Package unflushedwriter exposes the unflushed-writer rule's analyzer, for Bazel's
// nogo.
package unflushedwriter

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the unflushed-writer rule's analyzer.
var Analyzer = analyzers.Of(rules.UnflushedWriter)
