package rules

import "github.com/leakfix/leakfix/ownership"

// UnclosedWriter finds compressing and archiving writers whose Close does
// not run where the function succeeds.
var UnclosedWriter = &Rule{
	Name:    "unclosed-writer",
	Summary: "a gzip, zlib, flate, lzw, zip, tar or multipart writer that is not closed before the function succeeds",
	Doc: `A writer from gzip.NewWriter, gzip.NewWriterLevel, zlib.NewWriter and
its Level and Dict variants, flate.NewWriter, flate.NewWriterDict,
lzw.NewWriter, zip.NewWriter, tar.NewWriter or multipart.NewWriter writes
its trailer only when closed: the gzip footer, the zip central directory,
the tar end blocks, the closing boundary. Without Close the output is
truncated and readers fail with "unexpected EOF". Close does not close
the writer under it, which stays the caller's.

Judged, fixed and reported as unflushed-writer judges a bufio.Writer, with
Close for Flush: "return nil" becomes "return zw.Close()", and so on.

Example:

	zw := gzip.NewWriter(f)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	return zw.Close() // was: return nil`,
	Run: func(pass *Pass) {
		runReleases(pass, func(k *ownership.Kind) bool { return k.Queues && k.ReleaseMethod() == "Close" })
	},
}
