package ownership

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
		"net/http.ReadResponse", "net/http.ReadRequest", "mime/quotedprintable.NewReader",
		"(*encoding/json.Decoder).Decode", "(*encoding/json.Encoder).Encode",
		"(*testing.common).Log", "(*testing.common).Logf", "(*testing.common).Error",
		"(*testing.common).Errorf", "(*testing.common).Fatal", "(*testing.common).Fatalf",
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
		// A registered cleanup runs when the test ends.
		"(*testing.common).Cleanup", "context.AfterFunc",
	)
}
