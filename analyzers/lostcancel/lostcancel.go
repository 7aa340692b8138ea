// Package lostcancel exposes the lost-cancel rule's analyzer, for Bazel's
// nogo.
package lostcancel

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the lost-cancel rule's analyzer.
var Analyzer = analyzers.Of(rules.LostCancel)
