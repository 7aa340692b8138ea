package rules

// Text is the finding as every output shows it: its message and, when it
// has no automatic fix, why, as "... (no automatic fix: <reason>)". The
// command line, JSON, SARIF and the analyzers' diagnostics all carry this
// text, so the same leak reads the same wherever it is reported.
func (f Finding) Text() string {
	if f.Fix != nil || f.NoFix == "" {
		return f.Message
	}
	return f.Message + " (no automatic fix: " + f.NoFix + ")"
}
