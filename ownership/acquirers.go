package ownership

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/leakfix/leakfix/internal/syntax"
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
	// NoFix is the acquirer's NoFix of what the function returns, when
	// the evidence that its caller owns it is weak.
	NoFix string `json:",omitempty"`
	// OnFailure: the caller owns it only where the call fails. Set for a
	// response that a function returns with an error too, beside a
	// result it returns on success that can be released (a websocket
	// handshake's: on failure the response is the caller's to close; on
	// success its body is the connection).
	OnFailure bool `json:",omitempty"`
}

// kinds maps the keys of the kinds a summary can name to the kinds.
var kinds = map[string]*Kind{}

func init() {
	for _, k := range []*Kind{File, ResponseBody, MultipartFile, Rows, Conn, Listener, Stmt, DBConn, ZipReader, Form,
		Decompressor, BufferedWriter, CSVWriter, CompressingWriter, ArchiveWriter, MultipartWriter, Tx, Closer, ZipEntry} {
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

// Of returns the acquirer that call calls, if any. Whether the caller owns
// what a call returns is decided by evidence, strongest first:
//
//  1. the callee's body, learned as a summary: it returns a resource it
//     acquired (an acquirer), or nothing it acquired, a field, a shared
//     value, a fresh value (not an acquirer);
//  2. the table, for the standard library (what std returns that the
//     table does not list, os.Stdout or (*tls.Conn).NetConn, its caller
//     does not own) and the project's configured resources;
//  3. the implementations of an interface method, when the program's all
//     return a resource they acquired;
//  4. for a callee whose body is not seen, the result's type and the
//     call's shape: an *http.Response or *sql.Rows returned with an error
//     is the caller's to close, as net/http and database/sql document for
//     every response and result set; another value with a Close method,
//     returned with an error (an opener, a constructor), is reported but
//     not fixed where nothing releases it, since only convention says the
//     caller owns it. A call returning such a value without an error is
//     taken for an accessor, and not followed.
func (t Acquirers) Of(fset *token.FileSet, info *types.Info, call *ast.CallExpr, sums Summaries) (*Acquirer, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil, false
	}
	if a, ok := t[fn.Origin().FullName()]; ok {
		if a.OnReceiver || a.Result < fn.Signature().Results().Len() {
			return a, true
		}
		// An entry for a result the function does not have (a mistake
		// in .leakfix.yaml, which the command line warns about) is no
		// evidence; the built-in table's entry it replaced still is.
		if a, ok := acquirers[fn.Origin().FullName()]; ok {
			return a, true
		}
	}
	if fn.Pkg() == nil || !mayReturnResource(fn.Signature()) {
		return nil, false
	}
	if sums != nil {
		if sum, ok := sums.Summary(fn); ok {
			if len(sum.Returns) > 0 {
				return learned(fn, sum.Returns[0]), true
			}
			if sum.ReturnsOther {
				return nil, false
			}
		}
	}
	if syntax.IsStandardPath(fn.Pkg().Path()) {
		return nil, false
	}
	if a, ok := implementationsReturn(fset, info, fn, call.Pos(), sums); ok {
		return a, a != nil
	}
	return byShape(fn)
}

// learned is the acquirer a summary's Returned makes of fn.
func learned(fn *types.Func, r Returned) *Acquirer {
	return &Acquirer{Func: Key(fn), Result: r.Result, Kind: kinds[r.Kind], NonNil: r.NonNil, Request: r.Request, NoFix: r.NoFix, OnFailure: r.OnFailure, Evidence: Learned}
}

// byShape is the acquirer fn is by its result types alone (evidence 4 of
// Of), for a function whose body is not seen.
func byShape(fn *types.Func) (*Acquirer, bool) {
	results := fn.Signature().Results()
	n := results.Len()
	if n < 2 || !syntax.IsError(results.At(n-1).Type()) {
		return nil, false // an accessor, or not an opener's shape
	}
	for i := range n - 1 {
		t := results.At(i).Type()
		switch k := resultKind(t); {
		case k == nil:
			continue
		case k == Closer:
			return &Acquirer{Func: Key(fn), Result: i, Kind: k, Evidence: ByShape,
				NoFix: fmt.Sprintf("the body of %s is not analysed, so that its caller owns the %s rests on its shape alone", fn.FullName(), types.TypeString(t, nil))}, true
		default:
			return &Acquirer{Func: Key(fn), Result: i, Kind: k, Evidence: ByShape}, true
		}
	}
	return nil, false
}

// resultKind is the kind of resource a result of type t is, by its type:
// nil when it has no Close method and is not an *http.Response.
func resultKind(t types.Type) *Kind {
	switch {
	case syntax.IsPointerTo(t, "net/http", "Response"):
		return ResponseBody
	case syntax.IsPointerTo(t, "database/sql", "Rows"):
		return Rows
	}
	if _, ok := t.Underlying().(*types.Signature); ok {
		return nil
	}
	if hasReleaseMethod(t, "Close") {
		return Closer
	}
	return nil
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
	for _, a := range Find(fset, info, decl, table, sums) {
		if a.Func != decl || kindKey(a.Acquirer.Kind) == "" {
			continue
		}
		direct[a.Call] = a
		// Returned through its variable, and never handed elsewhere on
		// the way nor closed by a defer: "defer resp.Body.Close(); return
		// resp" returns a closed body. (A close on a path that returns
		// an error instead is the function's own business.)
		if a.Var != nil && a.Declares {
			if j := Judge(fset, info, a, sums); (j.Verdict == HandedOn || j.Verdict == Closed) && j.Doubt == "" && len(j.HandOffs) > 0 && onlyReturned(info, decl, j) && !deferredRelease(decl, j) && !closedBeforeReturn(info, a, j) {
				held[a.Var] = a
			}
		}
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
		return Returned{Result: i, Kind: kindKey(a.Acquirer.Kind), Request: requestOf(a), NoFix: a.Acquirer.NoFix}
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
		if freshCloser(info, decl, ret.Results[i], func(v *types.Var) bool { return held[v] != nil }) {
			return Returned{Result: i, Kind: kindKey(Closer)}, true
		}
		if sel, ok := ast.Unparen(ret.Results[i]).(*ast.SelectorExpr); ok {
			// return resp.Body, nil: the body it acquired.
			if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok {
				v, _ := info.Uses[id].(*types.Var)
				if a := held[v]; a != nil && a.Acquirer.Kind.Field == sel.Sel.Name {
					return Returned{Result: i, Kind: kindKey(Closer), NoFix: a.Acquirer.NoFix}, true
				}
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
		if fn, _ := syntax.EnclosingFunc(c); fn == decl {
			returns = append(returns, c.Node().(*ast.ReturnStmt))
		}
	}
	results := fn.Signature().Results()
	n := results.Len()
	// failing reports whether ret returns an error that is not nil.
	failing := func(ret *ast.ReturnStmt) bool {
		return n > 1 && len(ret.Results) == n && syntax.IsError(results.At(n-1).Type()) && !syntax.IsNil(info, ret.Results[n-1])
	}
	// beside reports whether the function has a result other than i that
	// can be released: the connection of a handshake's response.
	beside := func(i int) bool {
		for j := range n - 1 {
			if j != i && resultKind(results.At(j).Type()) != nil {
				return true
			}
		}
		return false
	}
	for i := range n {
		var found *Returned
		ok, nils, withError := true, false, false
		for _, ret := range returns {
			if len(ret.Results) == 0 {
				return nil // named results: not followed
			}
			r, isResource := resourceAt(ret, i)
			withError = withError || isResource && failing(ret)
			switch {
			case isResource && (found == nil || *found == r):
				found = &r
			case isResource:
				ok = false // two kinds
			case len(ret.Results) == n && syntax.IsNil(info, ret.Results[i]):
				nils = true // nil where the acquisition failed
			default:
				ok = false
			}
		}
		if ok && found != nil {
			found.NonNil = !nils && n == 1
			found.OnFailure = withError && found.Kind == ResponseBody.Name && beside(i)
			return []Returned{*found}
		}
	}
	return nil
}

// freshCloser reports whether e, returned by the function at decl, is a
// pointer to a value it makes there, "&File{...}", whose type has a Close method that
// does something: no one else holds it, and its Close is the caller's to
// call (an SFTP client's OpenFile returns its remote file that way). A
// Close that only sets fields releases nothing; a value that wraps
// another closer (&Backend{Backend: be}) is a wrapper, whose Close may
// release what someone else owns, unless the function acquired it and
// hands it on only there (owned: "nc, err := net.Dial(...); return
// &conn{nc: nc}, nil", a project's own connection type).
func freshCloser(info *types.Info, decl inspector.Cursor, e ast.Expr, owned func(*types.Var) bool) bool {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return false // a value, not a pointer: a handle (a reflect.Value, whose Close closes a channel)
	}
	e = ast.Unparen(u.X)
	lit, ok := e.(*ast.CompositeLit)
	if !ok || wrapsCloser(info, decl, lit, owned) {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(info.TypeOf(e)), true, nil, "Close")
	closeFn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	// The method's declaration, found by its name's position when it is
	// in this package.
	if fd := syntax.FuncDeclOf(decl.Inspector().Root(), info, closeFn); fd != nil {
		return fd.Body == nil || !releasesNothing(info, fd.Body)
	}
	return true // declared elsewhere: not known to do nothing
}

// wrapsCloser reports whether an element of lit holds another resource:
// a value of a type with a Close method other than the method's receiver
// itself (a back-reference to the client that made it, as an SFTP file
// has), or a mention of a variable that can hold one. Such a value is a
// wrapper of what it is given (&tracedReader{Reader: rd}) or of what its
// maker keeps (&localServer{Listener: sl.Listener}), whose Close may
// release what someone else owns.
func wrapsCloser(info *types.Info, decl inspector.Cursor, lit *ast.CompositeLit, owned func(*types.Var) bool) bool {
	var recv types.Object
	if fd := decl.Node().(*ast.FuncDecl); fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
		recv = info.Defs[fd.Recv.List[0].Names[0]]
	}
	wraps := false
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			elt = kv.Value
		}
		if id, ok := ast.Unparen(elt).(*ast.Ident); ok {
			if v, _ := info.Uses[id].(*types.Var); v != nil && (v == recv || owned(v)) {
				continue
			}
		}
		if resultKind(info.TypeOf(elt)) != nil {
			return true
		}
		ast.Inspect(elt, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok && v != recv && !v.IsField() && !owned(v) && holdsResource(v) {
					wraps = true
				}
			}
			return !wraps
		})
		if wraps {
			return true
		}
	}
	return false
}

// holdsResource reports whether v can hold a resource: its type has a
// Close method, or it is a parameter of an interface type other than
// context.Context (an io.Reader may be a file).
func holdsResource(v *types.Var) bool {
	if resultKind(v.Type()) != nil {
		return true
	}
	if n, ok := types.Unalias(v.Type()).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" {
		return false
	}
	return v.Kind() == types.ParamVar && types.IsInterface(v.Type())
}

// releasesNothing reports whether a Close method's body releases
// nothing: it calls nothing (but to make its error), sends nothing and
// starts nothing, at most setting fields ("m.closed = true", a test's
// stand-in connection).
func releasesNothing(info *types.Info, body *ast.BlockStmt) bool {
	nothing := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt, *ast.SendStmt, *ast.DeferStmt:
			nothing = false
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				break // a conversion
			}
			if fn, ok := typeutil.Callee(info, n).(*types.Func); ok && fn.Pkg() != nil && (fn.Pkg().Path() == "errors" || fn.Pkg().Path() == "fmt") {
				break // making the error it returns
			}
			nothing = false
		}
		return nothing
	})
	return nothing
}

// closedBeforeReturn reports whether some path closes a's resource and
// then reaches a return that hands it on: "resp.Body.Close(); return
// resp, nil" returns a response for its status, already closed.
func closedBeforeReturn(info *types.Info, a *Acquisition, j Judgement) bool {
	if j.Verdict != Closed {
		return false
	}
	paths, ok := FollowPaths(info, a, j)
	if !ok {
		return true
	}
	for _, e := range paths.Exits {
		ret, isReturn := e.Stmt.(*ast.ReturnStmt)
		if !isReturn || !e.Released || e.HandedOn {
			continue
		}
		for _, r := range ret.Results {
			x := ast.Unparen(r)
			if sel, ok := x.(*ast.SelectorExpr); ok {
				x = ast.Unparen(sel.X)
			}
			if id, ok := x.(*ast.Ident); ok && info.Uses[id] == a.Var {
				return true
			}
		}
	}
	return false
}

// deferredRelease reports whether a release of the judgement that is not
// a hand-off is in a deferred call (or a function literal) that may run
// after a hand-off: one registered on the way to a return of the
// resource would release what the function returns. A defer on a path
// that returns something else ("default: defer resp.Body.Close(); return
// nil, err", client-go's Stream) does not.
func deferredRelease(decl inspector.Cursor, j Judgement) bool {
	for _, pos := range j.Releases {
		if slices.Contains(j.HandOffs, pos) {
			continue
		}
		c, ok := decl.FindByPos(pos, pos+1)
		if !ok {
			return true
		}
		for e := range c.Enclosing((*ast.DeferStmt)(nil), (*ast.FuncLit)(nil)) {
			if _, ok := e.Node().(*ast.FuncLit); ok || deferBeforeHandOff(decl, e, j.HandOffs) {
				return true
			}
			break
		}
	}
	return false
}

// deferBeforeHandOff reports whether the defer statement at d may be
// registered on a path to one of the hand-offs: one comes after it in its
// block, or it is in a loop, whose later code may follow it.
func deferBeforeHandOff(decl, d inspector.Cursor, handOffs []token.Pos) bool {
	for e := range d.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil)) {
		if e != decl {
			return true // in a loop
		}
		break
	}
	block := d.Parent().Node()
	return slices.ContainsFunc(handOffs, func(p token.Pos) bool { return d.Node().End() <= p && p < block.End() })
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
		if syntax.IsPointerTo(t, "net/http", "Response") || syntax.IsPointerTo(t, "mime/multipart", "Form") {
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
