package rules

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
)

// UnboundedClientRead finds response bodies read whole with no limit.
var UnboundedClientRead = &Rule{
	Name:       "unbounded-client-read",
	DefaultOff: true,
	Summary:    "a client reads a response body whole with no limit on its size",
	Doc: `io.ReadAll or ioutil.ReadAll of an HTTP response's Body with no limit on
it: a server that sends a huge body makes the client read it all into
memory. Off by default (many clients trust their servers); enable it with
--enable=unbounded-client-read, or "enable: [unbounded-client-read]" in
.leakfix.yaml.

Fix: "resp.Body = http.MaxBytesReader(nil, resp.Body, 32 << 20)" before the
read, so that a body past the limit fails the read with an error.
io.LimitReader alone would truncate the body silently, which is not a fix.
The limit is set as for unbounded-read.`,
	Run: func(pass *Pass) { runUnboundedClient(pass) },
}

func runUnboundedClient(pass *Pass) {
	for _, a := range pass.acquisitions() {
		if a.Acquirer.Kind != ownership.ResponseBody || a.Var == nil || !a.Declares || inTestFile(pass, a.Call) {
			continue
		}
		live, _ := ownership.LiveAfter(pass.Info, a, pass.Summaries)
		if live == nil {
			continue
		}
		first, _, ok := firstUnboundedRead(pass, a.Func, a.Var, func(*ast.CallExpr) bool { return false })
		if !ok || first.call.Pos() < live.End() || !isReadAll(pass.Info, first.call) {
			continue
		}
		f := Finding{
			Pos: first.call.Pos(), End: first.call.End(),
			Message: fmt.Sprintf("%s.Body is read whole with no limit on its size", a.Var.Name()),
		}
		f.Fix, f.NoFix = limitBefore(pass, first.cursor, a.Func, a.Var, nil)
		pass.Report(f)
	}
}

func isReadAll(info *types.Info, call *ast.CallExpr) bool {
	name := syntax.CalleeName(info, call)
	return name == "io.ReadAll" || name == "io/ioutil.ReadAll"
}
