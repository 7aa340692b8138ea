package driver

import (
	"os"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// BenchmarkDryRunStd runs the whole pipeline (load, match, fix, verify) over
// the standard library, without and with its tests. Loading and
// type-checking are the floor of the cost; compare with BenchmarkLoadStd.
//
//	go test ./driver -run '^$' -bench . -benchtime 3x
func BenchmarkDryRunStd(b *testing.B) {
	for _, tests := range []bool{false, true} {
		name := "NoTests"
		if tests {
			name = "Tests"
		}
		b.Run(name, func(b *testing.B) {
			var findings, changes int
			for b.Loop() {
				res, err := Run(Options{
					Load:  load.Config{Tests: tests},
					Args:  []string{"std"},
					Rules: rules.All(),
				})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Errors) > 0 {
					b.Fatalf("load error: %s: %s", res.Errors[0].Pos, res.Errors[0].Msg)
				}
				findings, changes = len(res.Findings), len(res.Changes)
			}
			b.ReportMetric(float64(findings), "findings")
			b.ReportMetric(float64(changes), "files-fixed")
		})
	}
}

// BenchmarkLoadStd is the floor: listing, parsing and type-checking std
// alone, with and without its tests, to set against BenchmarkDryRunStd.
func BenchmarkLoadStd(b *testing.B) {
	for _, tests := range []bool{false, true} {
		name := "NoTests"
		if tests {
			name = "Tests"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				plan, err := load.Packages(load.Config{Tests: tests}, []string{"std"})
				if err != nil {
					b.Fatal(err)
				}
				for range plan.Batches() {
				}
				if len(plan.Errors) > 0 {
					b.Fatalf("load error: %s: %s", plan.Errors[0].Pos, plan.Errors[0].Msg)
				}
			}
		})
	}
}

// BenchmarkModule measures, on the module in $LEAKFIX_BENCH_MODULE with its
// tests, the floor (list, parse, type-check), and the dry run with the
// dependency summaries cold (an empty cache, learned from source each
// time) and warm (read from the cache). $LEAKFIX_BENCH_ARGS, when set, are
// the packages (space-separated patterns), else ./... It is skipped when
// the module is not set. BenchmarkPeakMemoryModule measures the peak
// memory of the same dry run.
//
//	LEAKFIX_BENCH_MODULE=$HOME/src/helm go test ./driver -run '^$' -bench Module -benchtime 3x
//	LEAKFIX_BENCH_MODULE=$HOME/src/nats-server LEAKFIX_BENCH_ARGS=./server go test ./driver -run '^$' -bench Module -benchtime 3x
func BenchmarkModule(b *testing.B) {
	dir, args := benchModule(b)
	cfg := load.Config{Dir: dir, Tests: true}
	b.Run("Load", func(b *testing.B) {
		for b.Loop() {
			plan, err := load.Packages(cfg, args)
			if err != nil {
				b.Fatal(err)
			}
			for range plan.Batches() {
			}
		}
	})
	run := func(b *testing.B, cache string) {
		b.Setenv("LEAKFIX_CACHE", cache)
		if _, err := Run(Options{Load: cfg, Args: args, Rules: rules.All()}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("DryRunCold", func(b *testing.B) {
		for b.Loop() {
			run(b, b.TempDir())
		}
	})
	b.Run("DryRunWarm", func(b *testing.B) {
		warm := b.TempDir()
		run(b, warm)
		for b.Loop() {
			run(b, warm)
		}
	})
}

// benchModule is the module and the packages BenchmarkModule measures.
func benchModule(b *testing.B) (dir string, args []string) {
	dir = os.Getenv("LEAKFIX_BENCH_MODULE")
	if dir == "" {
		b.Skip("LEAKFIX_BENCH_MODULE is not set")
	}
	args = strings.Fields(os.Getenv("LEAKFIX_BENCH_ARGS"))
	if len(args) == 0 {
		args = []string{"./..."}
	}
	return dir, args
}
