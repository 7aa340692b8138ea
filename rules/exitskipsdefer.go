package rules

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"go/version"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// ExitSkipsDefer finds os.Exit and log.Fatal calls that skip deferred
// work that would otherwise land.
var ExitSkipsDefer = &Rule{
	Name:    "exit-skips-defer",
	Summary: "os.Exit or log.Fatal after a deferred flush, close of a writer, file removal or profile stop, which never runs",
	Doc: `os.Exit ends the program at once, and log.Fatal, Fatalf and Fatalln call
it: the function's deferred calls never run. (A panic, t.Fatal and
runtime.Goexit do run them.) The process's descriptors are released by
the operating system, but what was queued in the process is lost: a
deferred Flush (of a bufio, csv or tabwriter writer), a deferred Close of
a writer that writes a trailer (gzip, zlib, flate, zip, tar, multipart, or
any type with a Flush method), a deferred os.Remove or os.RemoveAll of a
temporary file, a deferred pprof.StopCPUProfile or trace.Stop; also inside
a deferred function literal. Reported at the first such exit after the
defer in the same function.

Fix, in a main function whose every such exit (after the defer, when the
defer is a statement of main's body; else every exit) is a call of the
standard logger's Fatal or Fatalf and none is inside a function literal:
main's
body moves into "func run() error", where log.Fatal(err) becomes "return
err", log.Fatalf(format, args...) "return fmt.Errorf(format, args...)",
log.Fatal(args...) a fmt.Errorf that prints what log.Fatal would, and main
becomes "if err := run(); err != nil { log.Fatal(err) }": the same
message on the same logger and the same exit status, after the deferred
calls have run. In TestMain, "os.Exit(m.Run())" as its last statement
becomes "m.Run()": since Go 1.15 the test binary exits with m.Run's code
when TestMain returns.

Reported without a fix: exits in other functions (whose callers may
rely on the exit), os.Exit in main (its status has no error to carry),
log.Fatalln, another logger's Fatal, and exits inside function literals.

Example:

	func main() {
		if err := run(); err != nil {
			log.Fatal(err)
		}
	}

	func run() error {
		w := bufio.NewWriter(os.Stdout)
		defer w.Flush()
		...
		return err // was: log.Fatal(err)
	}`,
	Run: runExitSkipsDefer,
}

// exitsAtOnce are the calls that end the program without running the
// deferred calls.
var exitsAtOnce = map[string]bool{
	"os.Exit": true, "log.Fatal": true, "log.Fatalf": true, "log.Fatalln": true,
	"(*log.Logger).Fatal": true, "(*log.Logger).Fatalf": true, "(*log.Logger).Fatalln": true,
}

// An exit is one call that ends the program, as a statement of fn.
type exit struct {
	stmt *ast.ExprStmt
	call *ast.CallExpr
	name string // the callee's full name
	// inLiteral is set when the call is inside a function literal of
	// the function: a return there would not leave the function.
	inLiteral bool
}

func runExitSkipsDefer(pass *Pass) {
	// Only the functions that defer such work are searched for exits:
	// defers are few, function bodies many.
	var funcs []inspector.Cursor
	seen := map[ast.Node]bool{}
	for d := range pass.Inspector.Root().Preorder((*ast.DeferStmt)(nil)) {
		if !losesWork(pass.Info, d.Node().(*ast.DeferStmt).Call) {
			continue
		}
		if fn, ok := syntax.EnclosingFunc(d); ok && !seen[fn.Node()] {
			seen[fn.Node()] = true
			funcs = append(funcs, fn)
		}
	}
	for _, c := range funcs {
		_, body := syntax.FuncParts(c.Node())
		if body == nil {
			continue
		}
		lost, exits := lostDefers(pass, body)
		if len(lost) == 0 {
			continue
		}
		var after []exit
		for _, e := range exits {
			if e.call.Pos() > lost[0].Pos() {
				after = append(after, e)
			}
		}
		if len(after) == 0 {
			continue
		}
		first := after[0]
		d := lost[slices.IndexFunc(lost, func(d *ast.DeferStmt) bool { return d.Pos() < first.call.Pos() })]
		f := Finding{
			Pos: first.call.Pos(), End: first.call.End(),
			Message: fmt.Sprintf("%s skips the deferred %s on line %d, which never runs", shortCallee(pass.Info, first.call), deferredName(d), pass.Fset.Position(d.Pos()).Line),
		}
		if len(after) > 1 {
			f.Message += fmt.Sprintf(" (and %d more exits after it)", len(after)-1)
		}
		// Exits that run before the first lost defer is registered lose
		// nothing, and may stay; which those are is clear when the
		// defer is a statement of the body itself.
		convert := exits
		if slices.Contains(body.List, ast.Stmt(lost[0])) {
			convert = after
		}
		f.Fix, f.NoFix = exitFix(pass, c.Node(), body, convert)
		pass.Report(f)
	}
}

// deferredName names a deferred call for messages: "w.Flush()", or
// "function literal".
func deferredName(d *ast.DeferStmt) string {
	if _, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit); ok {
		return "function literal"
	}
	return types.ExprString(d.Call)
}

// shortCallee spells the function call calls as code does: "os.Exit",
// "log.Fatal".
func shortCallee(info *types.Info, call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(info, call).(*types.Func); ok {
		return shortName(fn)
	}
	return types.ExprString(call.Fun)
}

// lostDefers returns, in source order, the defer statements of the
// function with the given body whose work an exit would lose, and its
// exits.
func lostDefers(pass *Pass, body *ast.BlockStmt) ([]*ast.DeferStmt, []exit) {
	var lost []*ast.DeferStmt
	var exits []exit
	depth := 0
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			depth++
			ast.Inspect(n.Body, visit)
			depth--
			return false
		case *ast.DeferStmt:
			if depth == 0 && losesWork(pass.Info, n.Call) {
				lost = append(lost, n)
			}
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
				if name := syntax.CalleeName(pass.Info, call); exitsAtOnce[name] {
					exits = append(exits, exit{stmt: n, call: call, name: name, inLiteral: depth > 0})
				}
			}
		}
		return true
	}
	ast.Inspect(body, visit)
	// An exit inside a literal that the function defers or runs later is
	// not the function's own; one in a literal called in place may be,
	// and is kept for the fix to refuse.
	return lost, slices.DeleteFunc(exits, func(e exit) bool { return e.inLiteral && !calledInPlace(pass, e) })
}

// calledInPlace reports whether the literal holding e's call is called
// where it is written (func() { ... }()), not deferred or kept.
func calledInPlace(pass *Pass, e exit) bool {
	c, ok := pass.Inspector.Root().FindNode(e.stmt)
	if !ok {
		return false
	}
	for lit := range c.Enclosing((*ast.FuncLit)(nil)) {
		call, ok := lit.Parent().Node().(*ast.CallExpr)
		if !ok || call.Fun != lit.Node() {
			return false
		}
		_, deferred := lit.Parent().Parent().Node().(*ast.DeferStmt)
		_, goStmt := lit.Parent().Parent().Node().(*ast.GoStmt)
		return !deferred && !goStmt
	}
	return false
}

// losesWork reports whether the deferred call does work that outlives
// the process and that an exit skips: a flush, the close of a writer that
// flushes, a file's removal, the end of a profile; or a deferred literal
// that does one of them.
func losesWork(info *types.Info, call *ast.CallExpr) bool {
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		found := false
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && losesWork(info, c) {
				found = true
			}
			return !found
		})
		return found
	}
	switch syntax.CalleeName(info, call) {
	case "os.Remove", "os.RemoveAll", "runtime/pprof.StopCPUProfile", "runtime/trace.Stop":
		return true
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || info.Selections[sel] == nil {
		return false
	}
	recv := info.TypeOf(sel.X)
	switch sel.Sel.Name {
	case "Flush":
		return true
	case "Close":
		if p, ok := recv.Underlying().(*types.Pointer); ok {
			recv = p.Elem()
		}
		return hasMethod(recv, "Flush") || syntax.IsNamed(recv, "mime/multipart", "Writer")
	}
	return false
}

// hasMethod reports whether values of type t have the named method.
func hasMethod(t types.Type, name string) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	_, ok := obj.(*types.Func)
	return ok
}

// exitFix plans the fix of the exits of the function fn: main's body run
// in "func run() error", or TestMain's final os.Exit(m.Run()) dropped.
func exitFix(pass *Pass, fn ast.Node, body *ast.BlockStmt, exits []exit) (*fix.Fix, string) {
	decl, ok := fn.(*ast.FuncDecl)
	if !ok || decl.Recv != nil {
		return nil, "only in main and TestMain can an exit become a return; a caller of this function may rely on it"
	}
	switch {
	case decl.Name.Name == "main" && pass.Types.Name() == "main":
		return runMain(pass, decl, exits)
	case decl.Name.Name == "TestMain":
		return testMainReturns(pass, decl, body, exits)
	}
	return nil, "only in main and TestMain can an exit become a return; a caller of this function may rely on it"
}

// testMainReturns drops TestMain's final "os.Exit(m.Run())": the test
// binary exits with m.Run's code when TestMain returns (Go 1.15 on).
func testMainReturns(pass *Pass, decl *ast.FuncDecl, body *ast.BlockStmt, exits []exit) (*fix.Fix, string) {
	if v := pass.Types.GoVersion(); v != "" && version.Compare(v, "go1.15") < 0 {
		return nil, "before Go 1.15, TestMain must call os.Exit itself"
	}
	last := exits[len(exits)-1]
	if len(exits) != 1 || len(body.List) == 0 || body.List[len(body.List)-1] != last.stmt || last.name != "os.Exit" {
		return nil, "TestMain exits other than by a final os.Exit(m.Run())"
	}
	run, ok := ast.Unparen(last.call.Args[0]).(*ast.CallExpr)
	if !ok || syntax.CalleeName(pass.Info, run) != "(*testing.M).Run" {
		return nil, "its os.Exit is not given m.Run()'s code directly"
	}
	fx := &fix.Fix{
		Message: "return from TestMain, which exits with m.Run's code after the deferred calls",
		Sites:   []fix.Site{{Pos: last.stmt.Pos(), End: last.stmt.End()}},
	}
	fx.Edit = func(e *fix.Editor) error {
		d, err := e.Dst(last.stmt)
		if err != nil {
			return err
		}
		dcall := d.(*dst.ExprStmt).X.(*dst.CallExpr)
		d.(*dst.ExprStmt).X = dcall.Args[0]
		return nil
	}
	return fx, ""
}

// runMain moves main's body into "func run() error", each exit becoming
// a return of its message as an error, and main into a call of run that
// exits as the first exit did.
func runMain(pass *Pass, decl *ast.FuncDecl, exits []exit) (*fix.Fix, string) {
	for _, e := range exits {
		switch {
		case e.inLiteral:
			return nil, fmt.Sprintf("the exit on line %d is inside a function literal", pass.Fset.Position(e.call.Pos()).Line)
		case e.name != "log.Fatal" && e.name != "log.Fatalf":
			return nil, fmt.Sprintf("%s on line %d has no error to return in its place", shortCallee(pass.Info, e.call), pass.Fset.Position(e.call.Pos()).Line)
		case e.call.Ellipsis.IsValid() && e.name == "log.Fatal" && len(e.call.Args) == 1:
			return nil, fmt.Sprintf("log.Fatal on line %d is given a slice", pass.Fset.Position(e.call.Pos()).Line)
		}
	}
	var returns []*ast.ReturnStmt
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns = append(returns, n)
		}
		return true
	})
	run := freshName(pass, decl, "run")
	fx := &fix.Fix{
		Message: fmt.Sprintf("run main's body in %s() error, so that its deferred calls run before the exit", run),
		Sites:   []fix.Site{{Pos: decl.Pos(), End: decl.End()}},
	}
	fx.Edit = func(e *fix.Editor) error {
		for _, x := range exits {
			failure, err := exitError(e, pass.Info, x)
			if err != nil {
				return err
			}
			if err := e.Replace(x.stmt, &dst.ReturnStmt{Results: []dst.Expr{failure}}); err != nil {
				return err
			}
		}
		for _, r := range returns {
			d, err := e.Dst(r)
			if err != nil {
				return err
			}
			d.(*dst.ReturnStmt).Results = []dst.Expr{dst.NewIdent("nil")}
		}
		d, err := e.Dst(decl)
		if err != nil {
			return err
		}
		mainDecl := d.(*dst.FuncDecl)
		body := mainDecl.Body
		if len(decl.Body.List) == 0 || !syntax.Terminates(pass.Info, decl.Body.List[len(decl.Body.List)-1]) {
			ret := &dst.ReturnStmt{Results: []dst.Expr{dst.NewIdent("nil")}}
			ret.Decs.Before = dst.NewLine
			body.List = append(body.List, ret)
		}
		logName := e.ImportName("log")
		fail := &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(logName), Sel: dst.NewIdent("Fatal")}, Args: []dst.Expr{dst.NewIdent("err")}}}
		fail.Decs.Before, fail.Decs.After = dst.NewLine, dst.NewLine
		check := &dst.IfStmt{
			Init: &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent("err")}, Tok: token.DEFINE, Rhs: []dst.Expr{&dst.CallExpr{Fun: dst.NewIdent(run)}}},
			Cond: &dst.BinaryExpr{X: dst.NewIdent("err"), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{fail}},
		}
		check.Decs.Before, check.Decs.After = dst.NewLine, dst.NewLine
		mainDecl.Body = &dst.BlockStmt{List: []dst.Stmt{check}}
		runDecl := &dst.FuncDecl{
			Name: dst.NewIdent(run),
			Type: &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true},
				Results: &dst.FieldList{List: []*dst.Field{{Type: dst.NewIdent("error")}}}},
			Body: body,
		}
		runDecl.Decs.Before = dst.EmptyLine
		runDecl.Decs.Start.Append(fmt.Sprintf("// %s is main's body, run so that its deferred calls run before an exit.", run))
		return e.AddDeclAfter(decl, runDecl)
	}
	return fx, ""
}

// exitError is the error an exit's call returns in its place:
// log.Fatal(err) → err, log.Fatalf(format, args...) → fmt.Errorf(format,
// args...), log.Fatal(args...) → fmt.Errorf with the format that prints
// what fmt.Sprint(args...) would.
func exitError(e *fix.Editor, info *types.Info, x exit) (dst.Expr, error) {
	d, err := e.Dst(x.call)
	if err != nil {
		return nil, err
	}
	dcall := d.(*dst.CallExpr)
	errorf := &dst.SelectorExpr{X: dst.NewIdent(e.ImportName("fmt")), Sel: dst.NewIdent("Errorf")}
	if x.name == "log.Fatalf" {
		return &dst.CallExpr{Fun: errorf, Args: dcall.Args, Ellipsis: dcall.Ellipsis}, nil
	}
	if len(x.call.Args) == 1 && syntax.IsError(info.TypeOf(x.call.Args[0])) {
		return dcall.Args[0], nil
	}
	format, args := sprintFormat(info, x.call.Args, dcall.Args)
	return &dst.CallExpr{Fun: errorf, Args: append([]dst.Expr{&dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(format)}}, args...)}, nil
}

// sprintFormat returns the format, and the operands it takes, that
// fmt.Errorf prints as fmt.Sprint(args...) does: string constants in the
// format itself, other operands as %v, and a space between two operands
// when neither is a string.
func sprintFormat(info *types.Info, args []ast.Expr, dargs []dst.Expr) (string, []dst.Expr) {
	isString := func(e ast.Expr) bool {
		b, ok := info.TypeOf(e).Underlying().(*types.Basic)
		return ok && b.Info()&types.IsString != 0
	}
	var format strings.Builder
	var out []dst.Expr
	for i, arg := range args {
		if i > 0 && !isString(args[i-1]) && !isString(arg) {
			format.WriteByte(' ')
		}
		if v := info.Types[arg].Value; v != nil && v.Kind() == constant.String {
			format.WriteString(strings.ReplaceAll(constant.StringVal(v), "%", "%%"))
			continue
		}
		format.WriteString("%v")
		out = append(out, dargs[i])
	}
	return format.String(), out
}
