// Resources the function closes already. No finding, no change.
package closed

import (
	"bufio"
	"database/sql"
	"io"
	"net/http"
	"os"
)

func Deferred(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

func ByHand(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, f)
	if err != nil {
		f.Close()
		return 0, err
	}
	return int(n), f.Close()
}

func DeferredClosure(path string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriter(f)
	w.WriteString("x")
	return w.Flush()
}

func drainAndClose(rc io.ReadCloser) {
	io.Copy(io.Discard, rc)
	rc.Close()
}

func DeferredHelper(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer drainAndClose(resp.Body)
	return resp.StatusCode, nil
}

func BodyCopy(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	body := resp.Body
	defer body.Close()
	return nil
}

func Rows(db *sql.DB) error {
	rows, err := db.Query("SELECT 1")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// Closed through another local that is assigned on some paths only.
func ThroughLocal(path string, r io.ReadCloser) error {
	var rc io.ReadCloser
	if r != nil {
		rc = r
	} else {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		rc = f
	}
	defer rc.Close()
	_, err := io.Copy(io.Discard, rc)
	return err
}
