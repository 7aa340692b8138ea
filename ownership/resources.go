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
	"go/constant"
	"go/types"
	"maps"
	"os"
)

// A Kind is a kind of resource and how it is released.
type Kind struct {
	Name string // "file", "response body"...
	// Field, when set, is the field of the acquired value that holds the
	// closer: "Body" for an *http.Response.
	Field string
	// Release is the method that releases the resource: "Close" unless
	// set. A Func kind is released by calling the value itself, with
	// ReleaseArgs (a context.CancelCauseFunc takes a cause: "nil").
	Release string
	// AlsoReleasedBy lists other methods that release it (a command's
	// Run releases its pipes as Wait does).
	AlsoReleasedBy []string
	Func           bool
	ReleaseArgs    []string
	// NilSafe kinds can be released even when acquisition failed and the
	// value is nil (os.(*File).Close returns ErrInvalid on nil), or are
	// never nil (a cancel func).
	NilSafe bool
	// NoFix, when set, says why leakfix never fixes this kind by itself.
	NoFix string
	// Queues is set for writers that hold what is written to them until
	// their release hands it to the writer under them (a bufio.Writer's
	// Flush, a gzip.Writer's Close, which also writes the trailer). What
	// matters is that the writes land where the function succeeds: on a
	// return of a non-nil error nothing needs to, and since they hold only
	// memory, nothing else is lost there.
	Queues bool
	// MemoryOnly is set for resources that hold only memory, which the
	// collector frees (a gzip.Reader's decompressor): leaving one open on
	// a return of a non-nil error loses nothing, so only the paths that
	// succeed must release it.
	MemoryOnly bool
	// ErrorOf is the method that reports the release's error, when the
	// release method returns none (a csv.Writer's Flush, then Error).
	ErrorOf string
}

// ReleaseMethod is the name of the method that releases the resource.
func (k *Kind) ReleaseMethod() string {
	if k.Release == "" {
		return "Close"
	}
	return k.Release
}

var (
	File          = &Kind{Name: "file", NilSafe: true}
	ResponseBody  = &Kind{Name: "response body", Field: "Body"}
	MultipartFile = &Kind{Name: "multipart file"}
	Rows          = &Kind{Name: "rows"}
	Conn          = &Kind{Name: "connection"}
	Listener      = &Kind{Name: "listener"}
	Stmt          = &Kind{Name: "prepared statement"}
	DBConn        = &Kind{Name: "database connection"}
	ZipReader     = &Kind{Name: "zip reader"}
	Form          = &Kind{Name: "multipart form", Release: "RemoveAll"}
	// A transaction is released by Commit or Rollback; the fix defers
	// Rollback, which does nothing after a Commit (it returns ErrTxDone).
	Tx = &Kind{Name: "transaction", Release: "Rollback", AlsoReleasedBy: []string{"Commit"}}
	// Closer is any other value with a Close method that a caller owns:
	// what a function of the program, or of a dependency, returns that it
	// opened, or what a call returns by the opener's shape alone.
	Closer = &Kind{Name: "closer"}
	// An archive member's reader holds only its decompressor's memory.
	ZipEntry = &Kind{Name: "zip entry reader", MemoryOnly: true}
	Pipe     = &Kind{Name: "pipe", Release: "Wait", AlsoReleasedBy: []string{"Run", "Output", "CombinedOutput"}, NoFix: "only the command's Wait releases it, and where the command may be waited for is the caller's design"}
	Cancel   = &Kind{Name: "cancel func", Func: true, NilSafe: true}
	// Decompressor's Close releases the decompressor's state; it does not
	// close the reader under it.
	Decompressor = &Kind{Name: "decompressing reader", NilSafe: true, MemoryOnly: true}
	// The writers that queue their writes are never nil when their
	// constructor returns no error.
	BufferedWriter    = &Kind{Name: "buffered writer", Release: "Flush", NilSafe: true, Queues: true}
	CSVWriter         = &Kind{Name: "csv writer", Release: "Flush", AlsoReleasedBy: []string{"WriteAll"}, ErrorOf: "Error", NilSafe: true, Queues: true}
	CompressingWriter = &Kind{Name: "compressing writer", NilSafe: true, Queues: true}
	ArchiveWriter     = &Kind{Name: "archive writer", NilSafe: true, Queues: true}
	// A program that reads a multipart writer's Boundary writes the
	// closing boundary itself (goreleaser streams a file between the
	// parts and a tail it spells): that is its release.
	MultipartWriter = &Kind{Name: "multipart writer", AlsoReleasedBy: []string{"Boundary"}, NilSafe: true, Queues: true}
	CancelCause     = &Kind{Name: "cancel func", Func: true, NilSafe: true, ReleaseArgs: []string{"nil"}}
)

// An Acquirer is a function whose result is a resource the caller must
// release.
type Acquirer struct {
	Func   string // types.Func.FullName of the function or method
	Result int    // index of the resource among the results
	Kind   *Kind
	// NoFix, when set, says why a resource from this acquirer is only
	// reported where no path releases it: the evidence that the caller
	// owns it is the call's shape alone (its body is not analysed), or
	// the implementations of the interface it calls disagree. Where the
	// function releases it on some paths, it owns it, and the other paths
	// are fixed as any.
	NoFix string
	// OnReceiver: the resource is held by the method's receiver, not a
	// result ((*exec.Cmd).StdoutPipe is released by cmd.Wait).
	OnReceiver bool
	// NonNil: the result is never nil, though there is no error to check
	// (a test helper that fails the test instead).
	NonNil bool
	// Evidence is what shows that the caller owns what the call returns.
	Evidence Evidence
	// OnFailure: the caller owns the resource only where the call failed
	// (a handshake's response, whose body on success is the connection
	// another result holds): it is open on the paths where the call's
	// error is not nil, and the connection's elsewhere.
	OnFailure bool
	// Request, when not 0, is 1 + the index of the argument holding the
	// request the acquired response answers: a function of the program
	// that returns client.Do(req) of its parameter.
	Request int
}

// Evidence names what shows that a call's caller owns what it returns,
// strongest first (see Acquirers.Of).
type Evidence string

const (
	// ByTable: the standard library table lists the function.
	ByTable Evidence = "table"
	// ByConfig: the project's .leakfix.yaml declares it.
	ByConfig Evidence = "config"
	// Learned: the function's body returns what it acquired.
	Learned Evidence = "learned"
	// ByImplementations: the program's implementations of the interface
	// method all return what they acquired.
	ByImplementations Evidence = "implementations"
	// ByShape: the body is not seen; the result's type and the call's
	// shape say it.
	ByShape Evidence = "shape"
)

var acquirers = map[string]*Acquirer{}

func init() {
	add := func(kind *Kind, result int, funcs ...string) {
		for _, f := range funcs {
			acquirers[f] = &Acquirer{Func: f, Result: result, Kind: kind, Evidence: ByTable}
		}
	}
	add(File, 0, "os.Open", "os.Create", "os.OpenFile", "os.CreateTemp", "os.OpenInRoot",
		"io/ioutil.TempFile", // deprecated, and still everywhere
		"(*os.Root).Open", "(*os.Root).Create", "(*os.Root).OpenFile")
	add(Closer, 0, "os.OpenRoot", "(*os.Root).OpenRoot")
	add(ResponseBody, 0,
		"(*net/http.Client).Do", "(*net/http.Client).Get", "(*net/http.Client).Post",
		"(*net/http.Client).PostForm", "(*net/http.Client).Head",
		"net/http.Get", "net/http.Post", "net/http.PostForm", "net/http.Head",
		// "RoundTrip must always return err == nil if it obtained a
		// response"; the caller closes its body as with Client.Do.
		"(net/http.RoundTripper).RoundTrip", "(*net/http.Transport).RoundTrip")
	add(MultipartFile, 0, "(*mime/multipart.FileHeader).Open", "(*net/http.Request).FormFile")
	for _, recv := range []string{"DB", "Conn", "Tx", "Stmt"} {
		add(Rows, 0, "(*database/sql."+recv+").Query", "(*database/sql."+recv+").QueryContext")
	}
	add(Stmt, 0, "(*database/sql.DB).Prepare", "(*database/sql.DB).PrepareContext",
		"(*database/sql.Tx).Prepare", "(*database/sql.Tx).PrepareContext", "(*database/sql.Conn).PrepareContext")
	add(DBConn, 0, "(*database/sql.DB).Conn")
	add(Tx, 0, "(*database/sql.DB).Begin", "(*database/sql.DB).BeginTx", "(*database/sql.Conn).BeginTx")
	add(Conn, 0, "net.Dial", "net.DialTimeout", "(*net.Dialer).Dial", "(*net.Dialer).DialContext",
		"net.DialTCP", "net.DialUDP", "net.DialUnix", "net.DialIP",
		"crypto/tls.Dial", "crypto/tls.DialWithDialer", "(*crypto/tls.Dialer).Dial", "(*crypto/tls.Dialer).DialContext",
		"net.ListenPacket", "(*net.ListenConfig).ListenPacket", "net.FileConn",
		"(net.Listener).Accept", "(*net.TCPListener).Accept", "(*net.TCPListener).AcceptTCP",
		"(*net.UnixListener).Accept", "(*net.UnixListener).AcceptUnix")
	add(Listener, 0, "net.Listen", "(*net.ListenConfig).Listen", "net.ListenTCP", "net.ListenUnix", "crypto/tls.Listen", "net.FileListener")
	// "It is the caller's responsibility to close f when finished."
	for _, t := range []string{"TCPListener", "UnixListener", "TCPConn", "UnixConn", "UDPConn", "IPConn"} {
		add(File, 0, "(*net."+t+").File")
	}
	add(ZipReader, 0, "archive/zip.OpenReader")
	add(ZipEntry, 0, "(*archive/zip.File).Open")
	add(Decompressor, 0, "compress/gzip.NewReader", "compress/zlib.NewReader", "compress/zlib.NewReaderDict",
		"compress/flate.NewReader", "compress/flate.NewReaderDict")
	add(BufferedWriter, 0, "bufio.NewWriter", "bufio.NewWriterSize", "text/tabwriter.NewWriter")
	add(CSVWriter, 0, "encoding/csv.NewWriter")
	add(CompressingWriter, 0, "compress/gzip.NewWriter", "compress/gzip.NewWriterLevel",
		"compress/zlib.NewWriter", "compress/zlib.NewWriterLevel", "compress/zlib.NewWriterLevelDict",
		"compress/flate.NewWriter", "compress/flate.NewWriterDict", "compress/lzw.NewWriter")
	add(ArchiveWriter, 0, "archive/zip.NewWriter", "archive/tar.NewWriter")
	add(MultipartWriter, 0, "mime/multipart.NewWriter")
	// Its temporary files stay on disk until RemoveAll. (A server's
	// ParseMultipartForm needs none: net/http removes those files.)
	add(Form, 0, "(*mime/multipart.Reader).ReadForm")
	add(Cancel, 1, "context.WithCancel", "context.WithTimeout", "context.WithDeadline",
		"context.WithTimeoutCause", "context.WithDeadlineCause")
	add(CancelCause, 1, "context.WithCancelCause")
	for _, m := range []string{"StdoutPipe", "StderrPipe", "StdinPipe"} {
		acquirers["(*os/exec.Cmd)."+m] = &Acquirer{Func: "(*os/exec.Cmd)." + m, Kind: Pipe, OnReceiver: true, Evidence: ByTable}
	}
}

// Acquirers maps the full name of a function or method (types.Func's
// FullName) to what it acquires.
type Acquirers map[string]*Acquirer

// With returns the standard library's acquirers together with extra, a
// project's own (which win).
func With(extra Acquirers) Acquirers {
	if len(extra) == 0 {
		return acquirers
	}
	t := maps.Clone(acquirers)
	maps.Copy(t, extra)
	return t
}

// OpensForWriting reports whether the acquisition opens a file that may be
// written: os.Create and os.CreateTemp, and os.OpenFile unless its flag is
// a constant without O_WRONLY or O_RDWR. Losing the Close error of such a
// file can lose what was written.
func (a *Acquisition) OpensForWriting(info *types.Info) bool {
	switch a.Acquirer.Func {
	case "os.Create", "os.CreateTemp", "io/ioutil.TempFile", "(*os.Root).Create":
		return true
	case "os.OpenFile", "(*os.Root).OpenFile":
		if len(a.Call.Args) < 2 {
			return true
		}
		flag := info.Types[a.Call.Args[1]].Value
		if flag == nil || flag.Kind() != constant.Int {
			return true
		}
		v, ok := constant.Int64Val(flag)
		return !ok || v&int64(os.O_WRONLY|os.O_RDWR) != 0
	}
	return false
}
