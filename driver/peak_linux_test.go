package driver

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// BenchmarkPeakMemoryStd runs a dry run over the standard library, without
// and with its tests, each in a process of its own, and reports the
// process's peak resident memory: it grows with the largest package, not
// with the number of packages.
//
//	go test ./driver -run '^$' -bench PeakMemory -benchtime 1x
func BenchmarkPeakMemoryStd(b *testing.B) {
	for _, tests := range []bool{false, true} {
		name := "NoTests"
		if tests {
			name = "Tests"
		}
		b.Run(name, func(b *testing.B) {
			reportPeak(b, "LEAKFIX_DRY_RUN_TESTS="+strconv.FormatBool(tests), "LEAKFIX_DRY_RUN_ARGS=std")
		})
	}
}

// BenchmarkPeakMemoryModule is BenchmarkPeakMemoryStd for the packages
// BenchmarkModule measures, with their tests.
//
//	LEAKFIX_BENCH_MODULE=$HOME/src/nats-server LEAKFIX_BENCH_ARGS=./server go test ./driver -run '^$' -bench PeakMemoryModule -benchtime 1x
func BenchmarkPeakMemoryModule(b *testing.B) {
	dir, args := benchModule(b)
	reportPeak(b, "LEAKFIX_DRY_RUN_TESTS=true", "LEAKFIX_DRY_RUN_DIR="+dir, "LEAKFIX_DRY_RUN_ARGS="+strings.Join(args, " "))
}

// reportPeak runs TestDryRunInProcess with env, and reports its peak
// resident memory.
func reportPeak(b *testing.B, env ...string) {
	var peak int64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDryRunInProcess$", "-test.v")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		m := peakRx.FindSubmatch(out)
		if m == nil {
			b.Fatalf("no peak reported:\n%s", out)
		}
		n, _ := strconv.ParseInt(string(m[1]), 10, 64)
		peak = max(peak, n)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}

var peakRx = regexp.MustCompile(`peak resident memory: (\d+) bytes`)

// TestDryRunInProcess is the child process of the BenchmarkPeakMemory
// benchmarks. It reports its own peak, which the parent cannot measure
// exactly: the kernel counts the parent's memory in the child's rusage,
// as the child starts out sharing it.
func TestDryRunInProcess(t *testing.T) {
	tests, err := strconv.ParseBool(os.Getenv("LEAKFIX_DRY_RUN_TESTS"))
	if err != nil {
		t.Skip("run by the BenchmarkPeakMemory benchmarks")
	}
	cfg := load.Config{Dir: os.Getenv("LEAKFIX_DRY_RUN_DIR"), Tests: tests}
	res, err := Run(Options{Load: cfg, Args: strings.Fields(os.Getenv("LEAKFIX_DRY_RUN_ARGS")), Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("load error: %s: %s", res.Errors[0].Pos, res.Errors[0].Msg)
	}
	peak, err := peakRSS()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("peak resident memory: %d bytes", peak)
}

// peakRSS returns the process's peak resident memory, from
// /proc/self/status.
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if kb, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			return n << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}
