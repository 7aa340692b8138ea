// Package analyzers holds one package per leakfix rule, each exposing the
// rule's analyzer as the package-level variable Analyzer: the form Bazel's
// nogo (and other one-analyzer-per-package drivers) wants. Each is the very
// analyzer of rules.Analyzers.
package analyzers
