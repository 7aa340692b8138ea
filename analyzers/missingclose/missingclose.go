// Package missingclose exposes the missing-close rule's analyzer, for
// Bazel's nogo.
package missingclose

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the missing-close rule's analyzer.
var Analyzer = analyzers.Of(rules.MissingClose)
