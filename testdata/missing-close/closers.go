// Connections, listeners, statements, database connections, zip readers
// and command pipes.
package closers

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/tls"
	"database/sql"
	"io"
	"net"
	"os/exec"
)

func Greet(addr string) (string, error) {
	conn, err := net.Dial("tcp", addr) // want `conn \(connection from net.Dial\) is never closed$`
	if err != nil {
		return "", err
	}
	io.WriteString(conn, "hello\n")
	return bufio.NewReader(conn).ReadString('\n')
}

func DialCtx(ctx context.Context, d *net.Dialer, addr string) error {
	c, err := d.DialContext(ctx, "tcp", addr) // want `c \(connection from \(\*net.Dialer\).DialContext\)`
	if err != nil {
		return err
	}
	_, err = c.Write([]byte("x"))
	return err
}

func Secure(addr string) (string, error) {
	c, err := tls.Dial("tcp", addr, nil) // want `c \(connection from tls.Dial\)`
	if err != nil {
		return "", err
	}
	return c.ConnectionState().ServerName, nil
}

func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // want `l \(listener from net.Listen\)`
	if err != nil {
		return 0, err
	}
	return l.Addr().(*net.TCPAddr).Port, nil
}

func Insert(db *sql.DB, names []string) error {
	stmt, err := db.Prepare("INSERT INTO t VALUES (?)") // want `stmt \(prepared statement from \(\*sql.DB\).Prepare\)`
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := stmt.Exec(n); err != nil {
			return err
		}
	}
	return nil
}

func Pinned(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx) // want `conn \(database connection from \(\*sql.DB\).Conn\)`
	if err != nil {
		return err
	}
	return conn.PingContext(ctx)
}

func Names(path string) ([]string, error) {
	r, err := zip.OpenReader(path) // want `r \(zip reader from zip.OpenReader\)`
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	return names, nil
}

// Only Wait releases a command's pipes: reported, never fixed.
func Output(name string) ([]byte, error) {
	cmd := exec.Command(name)
	out, err := cmd.StdoutPipe() // want `cmd \(pipe from \(\*exec.Cmd\).StdoutPipe\) is never released \(no automatic fix: only the command's Wait`
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return io.ReadAll(out)
}

func Waited(name string) ([]byte, error) {
	cmd := exec.Command(name)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(out)
	if err != nil {
		return nil, err
	}
	return b, cmd.Wait()
}

// Handed on: the caller closes them.
func Accept(l net.Listener) (net.Conn, error) {
	c, err := l.Accept()
	return c, err
}

func Served(addr string, serve func(net.Listener) error) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer l.Close()
	return serve(l)
}

// cmd.Run waits for the command, which releases its pipes (cobra's
// bash_completions_test).
func RunWithInput(name, input string) error {
	cmd := exec.Command(name)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	go func() {
		io.WriteString(stdin, input)
		stdin.Close()
	}()
	return cmd.Run()
}

// The TLS connection closes the connection it runs over.
func OverTLS(addr string, cfg *tls.Config) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	tc := tls.Client(conn, cfg)
	defer tc.Close()
	return tc.Handshake()
}
