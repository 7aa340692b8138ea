// Package unboundedclientread exposes the unbounded-client-read rule's analyzer, for Bazel's
// nogo.
package unboundedclientread

import (
	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/rules"
)

// Analyzer is the unbounded-client-read rule's analyzer.
var Analyzer = analyzers.Of(rules.UnboundedClientRead)
