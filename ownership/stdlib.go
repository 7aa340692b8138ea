package ownership

import (
	"go/ast"
	"go/types"

	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/types/typeutil"
)

// What standard-library functions do with a resource passed to them. A
// function not in this table might keep or close what it is given, so a
// resource passed to it is judged unknown.
type argEffect int

const (
	// consumes: reads or writes the value during the call, and neither
	// keeps nor closes it.
	consumes argEffect = iota + 1
	// wraps: the result keeps the value (a reader over it) but its Close,
	// if any, does not close it; the result is followed as an alias.
	wraps
	// takes: the callee, or what it returns, becomes responsible for
	// closing the value (net/http closes a request's body).
	takes
	// closes: the callee closes the value before it returns (a helper
	// that drains and closes a body): a release, not a hand-off.
	closes
	// embeds: the result holds the value as itself, its methods promoted
	// (a bufio.ReadWriter's Flush is its Writer's); the result is followed
	// as the value.
	embeds
)

var stdlibArgs = map[string]argEffect{}

func init() {
	set := func(e argEffect, funcs ...string) {
		for _, f := range funcs {
			stdlibArgs[f] = e
		}
	}
	set(consumes,
		"io.ReadAll", "io/ioutil.ReadAll", "io.Copy", "io.CopyN", "io.CopyBuffer",
		"io.ReadFull", "io.ReadAtLeast", "io.WriteString",
		"fmt.Fprint", "fmt.Fprintf", "fmt.Fprintln", "fmt.Fscan", "fmt.Fscanf", "fmt.Fscanln",
		"fmt.Print", "fmt.Printf", "fmt.Println", "fmt.Sprint", "fmt.Sprintf", "fmt.Sprintln",
		"fmt.Errorf", "fmt.Append", "fmt.Appendf", "fmt.Appendln",
		"log.Print", "log.Printf", "log.Println", "(*log.Logger).Print", "(*log.Logger).Printf", "(*log.Logger).Println",
		"(*os.File).ReadFrom", "(*bytes.Buffer).ReadFrom", "(*bufio.Writer).ReadFrom",
		"image.Decode", "image.DecodeConfig", "image/png.Decode", "image/png.Encode",
		"image/jpeg.Decode", "image/jpeg.Encode", "image/gif.Decode", "image/gif.DecodeAll",
		"encoding/binary.Read", "encoding/binary.Write",
		"(*encoding/json.Decoder).Decode", "(*encoding/json.Encoder).Encode",
		"(*testing.common).Log", "(*testing.common).Logf", "(*testing.common).Error",
		"(*testing.common).Errorf", "(*testing.common).Fatal", "(*testing.common).Fatalf",
		// Methods that write themselves to, or read themselves from, their
		// argument. (Package-level functions of that shape are known by
		// their signature: stdlibEffect.)
		"(*net/http.Request).Write", "(*net/http.Request).WriteProxy", "(*net/http.Response).Write",
		"(net/http.Header).Write", "(net/http.Header).WriteSubset",
		"(*text/template.Template).Execute", "(*text/template.Template).ExecuteTemplate",
		"(*html/template.Template).Execute", "(*html/template.Template).ExecuteTemplate",
		"(*bytes.Buffer).WriteTo", "(*bytes.Reader).WriteTo", "(*strings.Reader).WriteTo",
		"(*bufio.Reader).WriteTo",
	)
	set(wraps,
		"bufio.NewReader", "bufio.NewReaderSize", "bufio.NewWriter", "bufio.NewWriterSize",
		"bufio.NewScanner",
		"io.LimitReader", "io.TeeReader", "io.MultiReader", "io.MultiWriter", "io.NewSectionReader",
		"io.NewOffsetWriter",
		"encoding/json.NewDecoder", "encoding/json.NewEncoder", "encoding/xml.NewDecoder",
		"encoding/xml.NewEncoder", "encoding/gob.NewDecoder", "encoding/gob.NewEncoder",
		"encoding/csv.NewReader", "encoding/csv.NewWriter", "encoding/base64.NewDecoder",
		"encoding/base64.NewEncoder", "encoding/hex.NewDecoder", "encoding/hex.NewEncoder",
		// Their Close methods flush or check a checksum; they do not close
		// the reader or writer they wrap.
		"compress/gzip.NewReader", "compress/gzip.NewWriter", "compress/gzip.NewWriterLevel",
		"compress/zlib.NewReader", "compress/zlib.NewWriter", "compress/zlib.NewWriterLevel",
		"compress/flate.NewReader", "compress/flate.NewWriter",
		"compress/bzip2.NewReader", "compress/lzw.NewReader", "compress/lzw.NewWriter",
		"archive/tar.NewReader", "archive/tar.NewWriter", "archive/zip.NewReader", "archive/zip.NewWriter",
		"mime/multipart.NewReader", "mime/multipart.NewWriter", "net/textproto.NewReader",
		"log.New",
		// The response's or request's body reads on from the reader.
		"net/http.ReadResponse", "net/http.ReadRequest", "mime/quotedprintable.NewReader",
		// Third-party decoders real code wraps response bodies in; their
		// Close releases the decoder, not the body.
		"github.com/klauspost/compress/zstd.NewReader", "github.com/klauspost/compress/gzip.NewReader",
		"github.com/klauspost/compress/flate.NewReader", "github.com/andybalholm/brotli.NewReader",
		// Methods that return a reader over their receiver.
		"(*github.com/klauspost/compress/zstd.Decoder).IOReadCloser",
	)
	set(embeds, "bufio.NewReadWriter")
	set(takes,
		// The client closes a request's body, even on errors.
		"net/http.NewRequest", "net/http.NewRequestWithContext",
		"net/http.Post", "(*net/http.Client).Post",
		"io.NopCloser", "io/ioutil.NopCloser",
		"log.SetOutput", "(*log.Logger).SetOutput",
		"runtime.SetFinalizer", "runtime.AddCleanup",
		// The TLS connection closes the connection it runs over.
		"crypto/tls.Client", "crypto/tls.Server",
		// The timer calls the cancel func.
		"time.AfterFunc",
		// The profile or trace writes to it until it is stopped.
		"runtime/pprof.StartCPUProfile", "runtime/trace.Start",
		// A registered cleanup runs when the test ends.
		"(*testing.common).Cleanup", "context.AfterFunc",
	)
}

// stdlibEffect is what the standard-library callee of call does with its
// argument at index arg: the table's entry, or, for a package-level
// function that takes it as one of package io's interfaces without a
// Close method (an io.Writer, an io.Reader) and returns nothing that
// could hold it (numbers, strings, bytes, errors), consumes: it cannot
// close what it sees only as a reader or writer, and has nowhere to keep
// it but a package variable, which the table's takes list names
// (log.SetOutput, pprof.StartCPUProfile). 0 when nothing is known.
func stdlibEffect(info *types.Info, call *ast.CallExpr, arg int) argEffect {
	if e, ok := stdlibArgs[syntax.CalleeName(info, call)]; ok {
		return e
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || !syntax.IsStandardPath(fn.Pkg().Path()) {
		return 0
	}
	sig := fn.Signature()
	if sig.Recv() != nil || sig.Params().Len() == 0 {
		return 0
	}
	i := min(arg, sig.Params().Len()-1)
	param := sig.Params().At(i).Type()
	if sig.Variadic() && i == sig.Params().Len()-1 {
		if call.Ellipsis.IsValid() {
			return 0
		}
		param = param.(*types.Slice).Elem()
	}
	named, ok := types.Unalias(param).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "io" || !types.IsInterface(named) || hasReleaseMethod(named, "Close") {
		return 0
	}
	for r := range sig.Results().Variables() {
		if !cannotHold(r.Type()) {
			return 0
		}
	}
	return consumes
}

// cannotHold reports whether a value of type t has no room for a reader
// or writer: a number, string or boolean, a byte slice, an error.
func cannotHold(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return true
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return syntax.IsError(t)
}
