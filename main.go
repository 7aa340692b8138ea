// Command leakfix finds resource leaks in Go code and fixes them in place,
// the way gofmt -w fixes formatting.
//
//	leakfix [flags] [packages | files]
//
// With no mode flag it is a dry run that prints a unified diff; -w writes
// the fixes, -l lists the files that would change. Findings go to stderr in
// go vet's style. Exit status: 0 when no leak remains, 1 when leaks were
// found and not fixed, 2 for usage errors and packages that fail to load.
//
// It is also a vet tool: go vet -vettool=$(command -v leakfix) runs the same
// rules as analyzers, and go fix -fixtool=$(command -v leakfix) applies their
// fixes.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/changed"
	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/diff"
	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/internal/dirs"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/progress"
	"github.com/leakfix/leakfix/report"
	"github.com/leakfix/leakfix/rules"
	"github.com/leakfix/leakfix/write"
	"github.com/spf13/cobra"
	"golang.org/x/tools/go/analysis/unitchecker"
)

// Exit statuses.
const (
	exitClean  = 0 // no leak remains
	exitLeaks  = 1 // leaks found and not fixed
	exitErrors = 2 // usage errors, packages that fail to load, files that could not be written
)

func main() {
	if invokedByGoCommand(os.Args[1:]) {
		if len(os.Args) == 2 && os.Args[1] == "-V=full" {
			if err := writeToolID(os.Stdout); err != nil {
				fmt.Fprintf(os.Stderr, "leakfix: %v\n", err)
				os.Exit(1)
			}
			os.Exit(0)
		}
		// go vet -vettool / go fix -fixtool: the same rules, as analyzers
		// chosen as on the command line (unitchecker.Main exits).
		unitchecker.Main(analyzers.For(vetFlags)...)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	diff, write, list bool
	tags              string
	tests             bool
	enable, disable   []string
	listRules         bool
	verbose           bool
	color             string
	dir               string
	maxBodyBytes      int64
	maxBodyBytesSet   bool // --max-body-bytes given, 0 too
	format            string
	newFromRev        string
	byRev             bool // --new-from-rev was given, empty or not
}

func run(args []string, stdout, stderr io.Writer) int {
	var opts options
	status := exitClean
	cmd := &cobra.Command{
		Use:   "leakfix [flags] [packages | files]",
		Short: "Find resource leaks in Go code and fix them in place",
		Long: `leakfix finds resource leaks in Go code (files, HTTP response bodies,
multipart files, sql.Rows never closed) and fixes them where it can prove the
fix right, the way gofmt -w fixes formatting. Where it cannot, it reports the
leak and leaves the code alone.

Arguments are package patterns as go build takes them (default "."), or .go
files, as a pre-commit hook passes them. With no mode flag, leakfix prints
the fixes as a unified diff without changing anything.

Exit status: 0 when no leak remains (none found, or all fixed by -w); 1 when
leaks were found and not fixed; 2 for usage errors, packages that fail to
load or type-check, and files that could not be written.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.listRules {
				listRules(stdout)
				return nil
			}
			opts.byRev = cmd.Flags().Changed("new-from-rev")
			opts.maxBodyBytesSet = cmd.Flags().Changed("max-body-bytes")
			status = leakfix(opts, args, stdout, stderr)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.diff, "diff", "d", false, "print the fixes as a unified diff (the default when neither -w nor -l is given)")
	f.BoolVarP(&opts.write, "write", "w", false, "write the fixes to the files")
	f.BoolVarP(&opts.list, "list", "l", false, "list the files that the fixes change")
	f.StringVar(&opts.tags, "tags", "", "comma-separated build tags, as for go build")
	f.BoolVar(&opts.tests, "test", true, "include _test.go files")
	f.StringSliceVar(&opts.enable, "enable", nil, "rules to run in addition to the default ones (comma-separated)")
	f.StringSliceVar(&opts.disable, "disable", nil, "rules not to run (comma-separated)")
	f.BoolVar(&opts.listRules, "list-rules", false, "list the rules with their documentation, and exit")
	f.BoolVarP(&opts.verbose, "verbose", "v", false, "say what is analyzed, skipped and why fixes were dropped")
	f.Int64Var(&opts.maxBodyBytes, "max-body-bytes", 0, fmt.Sprintf("the limit unbounded-read rules put on bodies (default %d MiB, or max-body-bytes in .leakfix.yaml)", config.DefaultMaxBodyBytes>>20))
	f.StringVarP(&opts.dir, "chdir", "C", "", "change to this directory before doing anything else, as go -C does")
	f.StringVar(&opts.color, "color", "auto", "colour the diff: auto (when stdout is a terminal), always or never")
	f.StringVar(&opts.newFromRev, "new-from-rev", "", "report and fix only the findings on lines changed since this git revision (and in untracked files)")
	f.StringVar(&opts.format, "format", "text", "how to report findings: text (on stderr, the diff on stdout), json (JSON Lines on stdout), sarif (SARIF 2.1.0 on stdout) or rdjson (reviewdog's format on stdout)")
	// Package patterns are the root command's arguments; "help",
	// "version" and "completion" are commands, as in every cobra tool (a
	// package of that name is written ./version).
	cmd.Args = cobra.ArbitraryArgs
	cmd.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(stdout, "leakfix version %s\n", version())
		},
	})
	completeFlagValues(cmd)
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	cmd.SetArgs(goStyleFlags(args, func(name string) bool { return f.Lookup(name) != nil }))
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		fmt.Fprintf(stderr, "leakfix: %v\n", err)
		fmt.Fprintln(stderr, "Run 'leakfix --help' for usage.")
		return exitErrors
	}
	return status
}

// completeFlagValues tells shell completion the values of the flags that
// take one of a few: the formats, the colour modes, the rules, and
// directories for -C.
func completeFlagValues(cmd *cobra.Command) {
	fixed := func(values ...string) cobra.CompletionFunc {
		return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
	}
	var ruleNames []string
	for _, r := range rules.All() {
		ruleNames = append(ruleNames, r.Name+"\t"+r.Summary)
	}
	for name, complete := range map[string]cobra.CompletionFunc{
		"format":  fixed("text\tfindings on stderr, the diff on stdout", "json\tJSON Lines on stdout", "sarif\tSARIF 2.1.0 on stdout", "rdjson\treviewdog's diagnostic format on stdout"),
		"color":   fixed("auto", "always", "never"),
		"enable":  fixed(ruleNames...),
		"disable": fixed(ruleNames...),
		"chdir": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
	} {
		if err := cmd.RegisterFlagCompletionFunc(name, complete); err != nil {
			panic(err) // a flag that does not exist: a mistake here
		}
	}
}

// goStyleFlags lets long flags be spelled with one dash, as go build's are
// (-tags, -test=false), by giving them the second dash pflag wants.
func goStyleFlags(args []string, isLong func(string) bool) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && isLong(name) {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

func leakfix(opts options, args []string, stdout, stderr io.Writer) int {
	if opts.color != "auto" && opts.color != "always" && opts.color != "never" {
		fmt.Fprintf(stderr, "leakfix: --color must be auto, always or never, not %q\n", opts.color)
		return exitErrors
	}
	textOut := opts.format == "text"
	if !textOut && opts.format != "json" && opts.format != "sarif" && opts.format != "rdjson" {
		fmt.Fprintf(stderr, "leakfix: --format must be text, json, sarif or rdjson, not %q\n", opts.format)
		return exitErrors
	}
	if !textOut && (opts.diff || opts.list) {
		// stdout holds the document alone; it carries each fix already.
		fmt.Fprintf(stderr, "leakfix: --format %s writes its document to stdout, which -d and -l need too; the document holds each fix\n", opts.format)
		return exitErrors
	}
	if opts.dir != "" {
		if err := os.Chdir(opts.dir); err != nil {
			fmt.Fprintf(stderr, "leakfix: %v\n", err)
			return exitErrors
		}
	}
	if opts.maxBodyBytes < 0 || opts.maxBodyBytesSet && opts.maxBodyBytes == 0 {
		// As max-body-bytes in .leakfix.yaml: 0 would be no limit.
		fmt.Fprintf(stderr, "leakfix: --max-body-bytes must be a positive number of bytes, not %d (leave it out for the default, %d MiB)\n", opts.maxBodyBytes, config.DefaultMaxBodyBytes>>20)
		return exitErrors
	}
	// The flags' rules, which each package's .leakfix.yaml may change
	// where the flags do not name a rule.
	selection := rules.Selection{Enable: opts.enable, Disable: opts.disable}
	rs, err := selection.Rules()
	if err != nil {
		fmt.Fprintf(stderr, "leakfix: %v\n", err)
		return exitErrors
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "leakfix: %v\n", err)
		return exitErrors
	}
	var keep func(file string, line int) bool
	if opts.byRev {
		lines, err := changed.Since(cwd, opts.newFromRev)
		if err != nil {
			fmt.Fprintf(stderr, "leakfix: --new-from-rev: %v\n", err)
			return exitErrors
		}
		keep = lines.Has
	}
	line := progress.New(stderr)
	line.Set("leakfix: loading packages")
	var logf func(string, ...any) // verbose notes, when asked for
	if opts.verbose {
		logf = line.Interrupting(func(format string, a ...any) { fmt.Fprintf(stderr, "leakfix: "+format+"\n", a...) })
	}
	res, err := driver.Run(driver.Options{
		Load:         load.Config{Tags: opts.tags, Tests: opts.tests},
		Args:         args,
		Selection:    &selection,
		MaxBodyBytes: opts.maxBodyBytes,
		Log:          logf,
		Progress: func(p driver.Progress) {
			line.Set(fmt.Sprintf("leakfix: %d/%d packages, %d %s", p.Done, p.Total, p.Findings, plural(p.Findings, "finding")))
		},
		Keep: keep,
	})
	line.Clear()
	if err != nil {
		fmt.Fprintf(stderr, "leakfix: %v\n", err)
		return exitErrors
	}
	if len(res.Rules) > 0 {
		rs = res.Rules // as the packages' configs chose them
	}
	return showResult(res, opts, rs, cwd, stdout, stderr)
}

// showResult shows the result of a run: load errors, the diff or the list
// of files, the findings that remain, in the format asked for; with -w, it
// writes the files. It returns the exit status.
func showResult(res *driver.Result, opts options, rs []*rules.Rule, cwd string, stdout, stderr io.Writer) int {
	textOut := opts.format == "text"
	status := exitClean
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "leakfix: warning: %s\n", w)
	}
	for _, e := range res.Errors {
		if e.Pos == "" {
			fmt.Fprintf(stderr, "leakfix: %s\n", e.Msg)
		} else {
			fmt.Fprintf(stderr, "%s: %s\n", report.RelPos(cwd, e.Pos), e.Msg)
		}
		status = exitErrors
	}

	showDiff := textOut && (opts.diff || !opts.write && !opts.list)
	color := showDiff && diff.ShouldColor(opts.color, asFile(stdout))
	written := map[string]bool{}
	for _, c := range res.Changes {
		name := dirs.Rel(cwd, c.Path)
		if opts.list {
			fmt.Fprintln(stdout, name)
		}
		if showDiff {
			d := diff.UnifiedEdits(report.PatchPath(cwd, c.Path), c.Old, c.Edits)
			if color {
				d = diff.Colorize(d)
			}
			io.WriteString(stdout, d)
		}
		if opts.write {
			if err := write.File(c.Path, c.Old, c.New); err != nil {
				fmt.Fprintf(stderr, "leakfix: %s\n", writeError(name, err))
				status = exitErrors
				continue
			}
			written[c.Path] = true
		}
	}

	rep := &report.Report{
		Dir: cwd, Findings: res.Findings, Changes: res.Changes, Written: written,
		Rules: rs, Version: version(), Errors: res.Errors,
	}
	var err error
	switch opts.format {
	case "json":
		err = rep.JSONLines(stdout)
	case "sarif":
		err = rep.SARIF(stdout)
	case "rdjson":
		err = rep.RDJSON(stdout)
	default:
		err = rep.Text(stderr, opts.verbose)
	}
	if err != nil {
		fmt.Fprintf(stderr, "leakfix: %v\n", err)
		return exitErrors
	}
	if rep.Remaining() > 0 && status == exitClean {
		status = exitLeaks
	}
	return status
}

// writeError explains why the file could not be written (or created),
// naming it as the user named it.
func writeError(name string, err error) string {
	op := "write"
	var pe *fs.PathError
	if errors.As(err, &pe) {
		op, err = pe.Op, pe.Err
	}
	msg := fmt.Sprintf("%s %s: %v", op, name, err)
	if errors.Is(err, write.ErrChangedOnDisk) {
		msg += "; not overwritten (run leakfix again)"
	}
	return msg
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func asFile(w io.Writer) *os.File {
	f, _ := w.(*os.File)
	return f
}

func listRules(w io.Writer) {
	for i, r := range rules.All() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		state := "on by default"
		if r.DefaultOff {
			state = "off by default; enable with --enable=" + r.Name + " or enable: [" + r.Name + "] in .leakfix.yaml"
		}
		fmt.Fprintf(w, "%s: %s (%s)\n\n", r.Name, r.Summary, state)
		for _, line := range strings.Split(r.Doc, "\n") {
			fmt.Fprintln(w, strings.TrimRight("    "+line, " \t"))
		}
	}
}

// version is the module version leakfix was built at, as go install
// records it.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
