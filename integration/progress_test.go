package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressOnTerminal runs leakfix with its stderr on a terminal, which
// script(1) provides, over enough packages to take a while: net, crypto
// and go without their tests. Out of -short mode, TestStdDryRun/progress
// checks the same on its run over the whole standard library instead (a
// longer run still), and this test is skipped.
func TestProgressOnTerminal(t *testing.T) {
	if !testing.Short() {
		t.Skip("TestStdDryRun/progress checks it on TestStdDryRun's run")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) for a terminal")
	}
	t.Parallel()
	cmd := exec.Command(script, "-qec", leakfixPath()+" -test=false --color=never ./net/... ./crypto/... ./go/...", os.DevNull)
	cmd.Dir = filepath.Join(goEnv.GOROOT, "src")
	cmd.Env = append(os.Environ(), "TERM=xterm", "GOTOOLCHAIN=local", "GOPROXY=off")
	out, _ := cmd.Output() // leakfix may well find leaks in std: its status is no matter here
	checkProgress(t, string(out))
}

// checkProgress checks the output of a run with its stderr on a terminal:
// the progress line shows (the "(...) packages, (...)" it says), and is
// erased before leakfix exits. (That nothing of it shows when stderr is
// not a terminal, every scenario checks: they compare stderr whole.)
func checkProgress(t *testing.T, got string) {
	t.Helper()
	const erase = "\r\x1b[K"
	i := strings.LastIndex(got, " packages, ")
	if i < 0 {
		t.Fatalf("no progress line on the terminal:\n%q", got)
	}
	if !strings.Contains(got[i:], erase) {
		t.Errorf("the progress line was not erased at the end:\n%q", got[i:])
	}
}
