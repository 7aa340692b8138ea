package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressOnTerminal runs leakfix with its stderr on a terminal, which
// script(1) provides, over enough packages to take a while (the whole
// standard library, TestStdDryRun's run, made once for both; in -short
// mode, net, crypto and go without their tests): the progress line shows,
// and is erased before leakfix exits. (That nothing of it shows when
// stderr is not a terminal, every scenario checks: they compare stderr
// whole.)
func TestProgressOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) for a terminal")
	}
	t.Parallel()
	var got string
	if testing.Short() {
		cmd := exec.Command(script, "-qec", leakfixPath()+" -test=false --color=never ./net/... ./crypto/... ./go/...", os.DevNull)
		cmd.Dir = filepath.Join(goEnv.GOROOT, "src")
		cmd.Env = append(os.Environ(), "TERM=xterm", "GOTOOLCHAIN=local", "GOPROXY=off")
		out, _ := cmd.Output() // leakfix may well find leaks in std: its status is no matter here
		got = string(out)
	} else {
		res := stdDryRun()
		if res.err != nil {
			t.Fatal(res.err)
		}
		if !res.terminal {
			t.Fatal("leakfix std ran without a terminal")
		}
		got = res.stderr
	}
	const erase = "\r\x1b[K"
	i := strings.LastIndex(got, " packages, ")
	if i < 0 {
		t.Fatalf("no progress line on the terminal:\n%q", got)
	}
	if !strings.Contains(got[i:], erase) {
		t.Errorf("the progress line was not erased at the end:\n%q", got[i:])
	}
}
