// Sites silenced by a comment. No finding, no change.
package suppressed

import (
	"database/sql"
	"net/http"
	"os"
)

func Ignored(path string) {
	//leakfix:ignore the process exits right after
	f, err := os.Open(path)
	if err != nil {
		return
	}
	f.Stat()
}

func SameLine(path string) {
	f, err := os.Open(path) //nolint:leakfix
	if err != nil {
		return
	}
	f.Stat()
}

func InList(path string) {
	f, err := os.Open(path) //nolint:errcheck,leakfix // reviewed
	if err != nil {
		return
	}
	f.Stat()
}

// restic's TestRoundTripperCornerCases (internal/backend/limiter): a
// //nolint:bodyclose above the function says its response is left open on
// purpose, a mock with no body, which a deferred Body.Close would
// dereference.
//
//nolint:bodyclose // the http response is just a mock
func MockResponse(rt http.RoundTripper) bool {
	res, err := rt.RoundTrip(&http.Request{})
	if err != nil {
		return false
	}
	return res != nil
}

// sqlclosecheck's directive, above the function.
//
//nolint:sqlclosecheck // the caller's pool closes them
func Rows(db *sql.DB) error {
	rows, err := db.Query("SELECT 1")
	if err != nil {
		return err
	}
	return rows.Err()
}

// A bare //nolint silences every linter, as golangci-lint reads it.
func Bare(path string) {
	f, err := os.Open(path) //nolint
	if err != nil {
		return
	}
	f.Stat()
}
