// Package earlycancel exposes the early-cancel rule's analyzer, for Bazel's
// nogo.
package earlycancel

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the early-cancel rule's analyzer.
var Analyzer = analyzers.Of(rules.EarlyCancel)
