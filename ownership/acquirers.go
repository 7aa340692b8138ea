package ownership

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Functions of the program that return a resource they acquired are
// acquirers at their call sites, as os.Open is: "resp, err := c.do(req)"
// leaks as surely as "c.client.Do(req)" does. Which functions do is learned
// from their bodies with the other summaries, and crosses packages with
// them: every return gives, at the same result, either nil or a resource
// the function acquired (returned directly, "return http.Get(url)", or
// through the local variable it was acquired into).

// A Returned says that a function returns, at result Result, a resource
// of the kind whose key is Kind that the caller must release.
type Returned struct {
	Result int
	Kind   string
	// NonNil is set when no return gives nil there: the function fails
	// some other way (t.Fatal), and the caller has no error to check.
	NonNil bool
	// Request, when not 0, is 1 + the index of the parameter holding the
	// request whose response the function returns (it returns
	// client.Do(req) of its parameter req, or an acquirer's that does).
	Request int
}

// kinds maps the keys of the kinds a summary can name to the kinds.
var kinds = map[string]*Kind{}

func init() {
	for _, k := range []*Kind{File, ResponseBody, MultipartFile, Rows, Conn, Listener, Stmt, DBConn, ZipReader, Form,
		Decompressor, BufferedWriter, CSVWriter, CompressingWriter, ArchiveWriter, MultipartWriter} {
		kinds[k.Name] = k
	}
}

// kindKey is the key a summary names k by, or "" for kinds that are not
// learned (cancel funcs, pipes).
func kindKey(k *Kind) string {
	if kinds[k.Name] == k {
		return k.Name
	}
	return ""
}

// Of returns the acquirer that call calls, if any: one of the table's, or
// a function whose summary says it returns a resource it acquired.
func (t Acquirers) Of(info *types.Info, call *ast.CallExpr, sums Summaries) (*Acquirer, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil, false
	}
	if a, ok := t[fn.Origin().FullName()]; ok {
		return a, true
	}
	if sums == nil || !mayReturnResource(fn.Signature()) {
		return nil, false
	}
	sum, ok := sums.Summary(fn)
	if !ok || len(sum.Returns) == 0 {
		return nil, false
	}
	r := sum.Returns[0]
	return &Acquirer{Func: Key(fn), Result: r.Result, Kind: kinds[r.Kind], NonNil: r.NonNil, Request: r.Request}, true
}

// returnsAcquired learns what resource, if any, the function declared at
// decl returns that it acquired.
func returnsAcquired(fset *token.FileSet, info *types.Info, decl inspector.Cursor, sums Summaries) []Returned {
	fd := decl.Node().(*ast.FuncDecl)
	fn, ok := info.Defs[fd.Name].(*types.Func)
	if !ok || fd.Body == nil || !mayReturnResource(fn.Signature()) {
		return nil
	}
	table := With(nil)
	// The variables acquisitions of this function declare, with their
	// resource, when nothing else assigns them.
	held := map[*types.Var]*Acquisition{}
	direct := map[*ast.CallExpr]*Acquisition{}
	for _, a := range Find(info, decl, table, sums) {
		if a.Func != decl || kindKey(a.Acquirer.Kind) == "" {
			continue
		}
		direct[a.Call] = a
		// Returned through its variable, and never closed or handed
		// elsewhere on the way: "defer resp.Body.Close(); return resp"
		// returns a closed body.
		if a.Var != nil && a.Declares {
			if j := Judge(fset, info, a, sums); j.Verdict == HandedOn && j.Doubt == "" && onlyReturned(info, decl, j) {
				held[a.Var] = a
			}
		}
	}
	if len(direct) == 0 {
		return nil
	}
	for c := range decl.Preorder((*ast.AssignStmt)(nil)) {
		for _, lhs := range c.Node().(*ast.AssignStmt).Lhs {
			if id, ok := lhs.(*ast.Ident); ok && info.Defs[id] == nil {
				v, _ := info.Uses[id].(*types.Var)
				delete(held, v)
			}
		}
	}
	// resourceAt says what the return gives at result i: the resource
	// of an acquisition of this function, or nothing.
	params := fn.Signature().Params()
	// requestOf is 1 + the index of the parameter whose request a's
	// response answers, or 0.
	requestOf := func(a *Acquisition) int {
		req, ok := a.RequestArg()
		if !ok {
			return 0
		}
		id, ok := ast.Unparen(req).(*ast.Ident)
		if !ok {
			return 0
		}
		for i := range params.Len() {
			if info.Uses[id] == params.At(i) {
				return i + 1
			}
		}
		return 0
	}
	returned := func(a *Acquisition, i int) Returned {
		return Returned{Result: i, Kind: kindKey(a.Acquirer.Kind), Request: requestOf(a)}
	}
	resourceAt := func(ret *ast.ReturnStmt, i int) (Returned, bool) {
		if len(ret.Results) == 1 && fn.Signature().Results().Len() > 1 {
			// return http.Get(url)
			call, _ := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
			if a := direct[call]; a != nil && a.Acquirer.Result == i {
				return returned(a, i), true
			}
			return Returned{}, false
		}
		id, ok := ast.Unparen(ret.Results[i]).(*ast.Ident)
		if !ok {
			return Returned{}, false
		}
		v, _ := info.Uses[id].(*types.Var)
		if a := held[v]; a != nil {
			return returned(a, i), true
		}
		return Returned{}, false
	}
	var returns []*ast.ReturnStmt
	for c := range decl.Preorder((*ast.ReturnStmt)(nil)) {
		if fn, _ := enclosing(c); fn == decl {
			returns = append(returns, c.Node().(*ast.ReturnStmt))
		}
	}
	n := fn.Signature().Results().Len()
	for i := range n {
		var found *Returned
		ok, nils := true, false
		for _, ret := range returns {
			if len(ret.Results) == 0 {
				return nil // named results: not followed
			}
			r, isResource := resourceAt(ret, i)
			switch {
			case isResource && (found == nil || *found == r):
				found = &r
			case isResource:
				ok = false // two kinds
			case len(ret.Results) == n && IsNil(info, ret.Results[i]):
				nils = true // nil where the acquisition failed
			default:
				ok = false
			}
		}
		if ok && found != nil {
			found.NonNil = !nils && n == 1
			return []Returned{*found}
		}
	}
	return nil
}

// onlyReturned reports whether every hand-off of the judgement is a
// return statement of the function at decl.
func onlyReturned(info *types.Info, decl inspector.Cursor, j Judgement) bool {
	for _, pos := range j.HandOffs {
		c, ok := decl.FindByPos(pos, pos+1)
		if !ok {
			return false
		}
		returned := false
		for e := range c.Enclosing((*ast.ReturnStmt)(nil), (*ast.FuncLit)(nil)) {
			_, returned = e.Node().(*ast.ReturnStmt)
			break
		}
		if !returned {
			return false
		}
	}
	return true
}

func enclosing(c inspector.Cursor) (inspector.Cursor, bool) {
	for fn := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return fn, true
	}
	return inspector.Cursor{}, false
}

// IsNil reports whether e is the predeclared nil.
func IsNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == types.Universe.Lookup("nil")
}

// RequestArg is the argument of the acquiring call that holds the request
// its response answers: client.Do(req), or a helper of the program that
// returns client.Do of its request.
func (a *Acquisition) RequestArg() (ast.Expr, bool) {
	arg := -1
	switch {
	case a.Acquirer.Func == "(*net/http.Client).Do":
		arg = 0
	case a.Acquirer.Request > 0:
		arg = a.Acquirer.Request - 1
	}
	if arg < 0 || arg >= len(a.Call.Args) {
		return nil, false
	}
	return a.Call.Args[arg], true
}

// mayReturnResource reports whether a result of sig can hold a resource of
// a learned kind: a value with a Close method (*os.File, *sql.Rows,
// net.Conn, multipart.File), an *http.Response or a *multipart.Form. It
// keeps the summary look-ups off the calls that cannot acquire anything,
// most of them.
func mayReturnResource(sig *types.Signature) bool {
	for v := range sig.Results().Variables() {
		t := v.Type()
		if kindOf(t) == ResponseBody || isNamed(t, "mime/multipart", "Form") {
			return true
		}
		if _, ok := t.Underlying().(*types.Signature); ok {
			continue
		}
		if releaseMethodOf(t) != "" {
			return true
		}
	}
	return false
}

// isNamed reports whether t is a pointer to the named type path.name.
func isNamed(t types.Type, path, name string) bool {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}
