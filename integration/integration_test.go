// Package integration runs the real leakfix binary against small Go modules,
// one testscript scenario per testdata/*.txtar file, in the style of
// gofumpt's tests.
//
// TestMain builds the binary once; each scenario runs in its own sandbox
// with the binary first on PATH, the go command set up to work offline
// (scenario modules have no dependencies), and the host's build cache
// shared so that loads stay fast.
//
// Besides testscript's built-in commands, scenarios may use:
//
//	exitcode N program [args...]
//
// which runs program like exec and requires its exit status to be exactly N
// (exec and ! exec only tell zero from non-zero, and leakfix's contract
// distinguishes 1, leaks left, from 2, errors).
//
// To keep the work directories for inspection, add -testwork.
package integration

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// binDir is the directory holding the leakfix binary built by TestMain.
var binDir string

// update rewrites the files that cmp compares against, in the scenarios
// themselves, after a deliberate change of output.
var update = flag.Bool("update", false, "update the scenarios' expected files")

// goEnv holds the go command's settings that the sandbox passes through.
var goEnv struct {
	GOCACHE, GOMODCACHE, GOPATH, GOROOT string
}

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		// The tests mostly wait: on leakfix, the go command, git and
		// the scenarios' own tests (servers, timeouts). Twice as many
		// at once as there are CPUs keeps the CPUs busy.
		flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	dir, err := os.MkdirTemp("", "leakfix-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	binDir = dir

	build := exec.Command("go", "build", "-o", filepath.Join(dir, "leakfix"), "github.com/leakfix/leakfix")
	build.Dir = ".." // the module root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building leakfix: %v\n", err)
		return 2
	}

	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT").Output()
	if err == nil {
		err = json.Unmarshal(out, &goEnv)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go env: %v\n", err)
		return 2
	}
	return m.Run()
}

func TestScripts(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	goBin, _ = filepath.Abs(goBin)
	// The scenarios run in parallel, each in its own sandbox, and in
	// parallel with the other slow tests.
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                "testdata",
		RequireUniqueNames: true,
		UpdateScripts:      *update,
		Setup: func(env *testscript.Env) error {
			path := strings.Join([]string{binDir, filepath.Dir(goBin), filepath.Join(goEnv.GOROOT, "bin"), os.Getenv("PATH")}, string(os.PathListSeparator))
			for _, kv := range [][2]string{
				{"PATH", path},
				// go vet -vettool and go fix -fixtool want a path.
				{"LEAKFIX", filepath.Join(binDir, "leakfix")},
				{"HOME", os.Getenv("HOME")},
				{"GOCACHE", goEnv.GOCACHE},
				{"GOMODCACHE", goEnv.GOMODCACHE},
				{"GOPATH", goEnv.GOPATH},
				{"GOTOOLCHAIN", "local"},
				{"GOPROXY", "off"},
				{"GOSUMDB", "off"},
				// -buildvcs=false: some scenarios run the go command in
				// git repositories they make; keep VCS stamping out of it.
				{"GOFLAGS", "-mod=mod -buildvcs=false"},
				{"CGO_ENABLED", "0"},
				// leakfix colours only a terminal, but make sure no
				// colour setting of the host leaks in.
				{"NO_COLOR", ""},
				{"TERM", "dumb"},
				// git: no user or system configuration, a fixed identity.
				{"GIT_CONFIG_NOSYSTEM", "1"},
				{"GIT_CONFIG_GLOBAL", os.DevNull},
				{"GIT_AUTHOR_NAME", "leakfix test"},
				{"GIT_AUTHOR_EMAIL", "test@example.com"},
				{"GIT_COMMITTER_NAME", "leakfix test"},
				{"GIT_COMMITTER_EMAIL", "test@example.com"},
			} {
				env.Setenv(kv[0], kv[1])
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
		},
	})
}

// cmdExitcode runs a program and checks its exact exit status:
//
//	exitcode N program [args...]
//
// Its standard output and error are kept for stdout, stderr and cmp, as
// after exec.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
