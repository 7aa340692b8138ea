// Resources released by a defer inside a loop.
package loops

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"log"
	"net/http"
	"os"
)

// No control flow leaves the body: it moves into a function literal, and
// the defer runs where each iteration ends.
func Sum(paths []string) int64 {
	var total int64
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close() // want `f \(file from os.Open\) is released by a defer in a loop, which holds it until the function returns$`
		n, _ := io.Copy(io.Discard, f)
		total += n
	}
	return total
}

// Returns and continues leave the body: the defer goes, and the file is
// closed at each exit of the iteration.
func Copy(dst io.Writer, paths []string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		// Close when done.
		defer f.Close() // want `released by a defer in a loop`
		if st, err := f.Stat(); err == nil && st.IsDir() {
			continue
		}
		if _, err := io.Copy(dst, f); err != nil {
			return err
		}
	}
	return nil
}

// A break inside a switch stays in the body: still wrappable.
func Fetch(c *http.Client, urls []string) (n int) {
	for _, u := range urls {
		resp, err := c.Get(u)
		if err != nil {
			continue
		}
		defer resp.Body.Close() // want `resp.Body \(response body from \(\*http.Client\).Get\) is released by a defer in a loop`
		switch resp.StatusCode {
		case http.StatusOK:
			n++
		default:
			break
		}
	}
	return n
}

func Tables(db *sql.DB, names []string) (int, error) {
	count := 0
	for _, name := range names {
		rows, err := db.Query("SELECT 1 FROM " + name)
		if err != nil {
			return count, err
		}
		defer rows.Close() // want `rows \(rows from \(\*sql.DB\).Query\) is released by a defer in a loop`
		for rows.Next() {
			count++
		}
	}
	return count, nil
}

// Kept for after the loop: the defer is meant to run at the end.
func Keep(paths []string) []*os.File {
	var files []*os.File
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		files = append(files, f)
	}
	return files
}

// A defer in a function literal called per iteration is fine.
func PerIteration(paths []string) {
	for _, p := range paths {
		func() {
			f, err := os.Open(p)
			if err != nil {
				return
			}
			defer f.Close()
			f.Stat()
		}()
	}
}

// Nothing leaves the body (a failure is fatal): it moves into a function
// literal, and the defer runs where each iteration ends.
func Load(paths []string) [][]byte {
	var out [][]byte
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close() // want `released by a defer in a loop`
		b, err := io.ReadAll(f)
		if err != nil {
			log.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// A deferred cancel in a loop keeps its context alive for the goroutine:
// left alone.
func Race(ctx context.Context, start func(context.Context)) {
	for range 3 {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go start(ctx)
	}
}

// Never used, only held: keeping every connection open at once is the
// point. Left alone.
func Hold(db *sql.DB, n int) int {
	for i := 0; i < n; i++ {
		rows, err := db.Query("SELECT 1")
		if err != nil {
			log.Fatal(err)
		}
		defer rows.Close()
	}
	return db.Stats().OpenConnections
}

// Code after the loop may rely on every body staying open until the
// function returns, as the comment at the defer says (net/http's
// transport_test): reported only.
func ThenCheck(c *http.Client, urls []string, seen map[string]bool) int {
	for _, u := range urls {
		resp, err := c.Get(u)
		if err != nil {
			log.Fatal(err)
		}
		// Held until the check below, so that no connection is reused.
		defer resp.Body.Close() // want `no automatic fix: code after the loop may rely on every iteration's resource being held`
		seen[resp.Request.URL.Host] = true
	}
	return len(seen)
}

// Code after the loop that uses nothing of the files (caddy's fastcgi
// client): each is closed where its iteration ends.
func ThenPost(c *http.Client, url string, names []string) (*http.Response, error) {
	var buf bytes.Buffer
	var err error
	for _, name := range names {
		fd, e := os.Open(name)
		if e != nil {
			return nil, e
		}
		defer fd.Close() // want `fd \(file from os.Open\) is released by a defer in a loop`
		_, err = io.Copy(&buf, fd)
		if err != nil {
			return nil, err
		}
	}
	return c.Post(url, "application/octet-stream", &buf)
}

// A reader over a file, kept outside the loop and read after it: reported
// only.
func ThenRead(names []string) ([]byte, error) {
	var last io.Reader
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close() // want `no automatic fix: code after the loop may rely`
		last = bufio.NewReader(f)
	}
	return io.ReadAll(last)
}
