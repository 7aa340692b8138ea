// Package ownership decides who is responsible for releasing a resource.
//
// It finds the calls that acquire a closable resource (an *os.File, an HTTP
// response body, *sql.Rows...), and follows the acquired value through the
// function that holds it: every use is classified as closing it, handing it
// on to someone else (returned, stored, sent, given to a goroutine), using it
// in place (reading, writing, formatting), or something it cannot judge. The
// verdict, and where a release belongs, are shared by every rule.
//
// What the standard library does with a value it is given is known from a
// built-in table, so no dependency is ever analysed from source.
package ownership

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A Kind is a kind of resource and how it is released.
type Kind struct {
	Name string // "file", "response body"...
	// Field, when set, is the field of the acquired value that holds the
	// closer: "Body" for an *http.Response.
	Field string
	// NilSafe kinds can be closed even when acquisition failed and the
	// value is nil (os.(*File).Close returns ErrInvalid on nil).
	NilSafe bool
}

var (
	File          = &Kind{Name: "file", NilSafe: true}
	ResponseBody  = &Kind{Name: "response body", Field: "Body"}
	MultipartFile = &Kind{Name: "multipart file"}
	Rows          = &Kind{Name: "rows"}
)

// An Acquirer is a function whose result is a resource the caller must
// release.
type Acquirer struct {
	Func   string // types.Func.FullName of the function or method
	Result int    // index of the resource among the results
	Kind   *Kind
}

var acquirers = map[string]*Acquirer{}

func init() {
	add := func(kind *Kind, result int, funcs ...string) {
		for _, f := range funcs {
			acquirers[f] = &Acquirer{Func: f, Result: result, Kind: kind}
		}
	}
	add(File, 0, "os.Open", "os.Create", "os.OpenFile", "os.CreateTemp")
	add(ResponseBody, 0,
		"(*net/http.Client).Do", "(*net/http.Client).Get", "(*net/http.Client).Post",
		"(*net/http.Client).PostForm", "(*net/http.Client).Head",
		"net/http.Get", "net/http.Post", "net/http.PostForm", "net/http.Head")
	add(MultipartFile, 0, "(*mime/multipart.FileHeader).Open", "(*net/http.Request).FormFile")
	for _, recv := range []string{"DB", "Conn", "Tx", "Stmt"} {
		add(Rows, 0, "(*database/sql."+recv+").Query", "(*database/sql."+recv+").QueryContext")
	}
}

// AcquirerOf returns the acquirer that call calls, if any.
func AcquirerOf(info *types.Info, call *ast.CallExpr) (*Acquirer, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil, false
	}
	a, ok := acquirers[fn.FullName()]
	return a, ok
}

// calleeName is the full name of the function or method call calls, or "".
func calleeName(info *types.Info, call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(info, call).(*types.Func); ok {
		return fn.FullName()
	}
	return ""
}
