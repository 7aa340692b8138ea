// sql.Rows from every kind of querier, never closed.
package rows

import (
	"context"
	"database/sql"
)

func Names(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM users") // want `rows \(rows from \(\*sql.DB\).Query\) is never closed$`
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err // the leak: rows stay open, pinning a connection
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func Count(ctx context.Context, tx *sql.Tx, conn *sql.Conn, stmt *sql.Stmt) (int, error) {
	a, err := tx.QueryContext(ctx, "SELECT 1") // want `a \(rows from \(\*sql.Tx\).QueryContext\)`
	if err != nil {
		return 0, err
	}
	b, err := conn.QueryContext(ctx, "SELECT 1") // want `b \(rows from \(\*sql.Conn\).QueryContext\)`
	if err != nil {
		return 0, err
	}
	c, err := stmt.Query() // want `c \(rows from \(\*sql.Stmt\).Query\)`
	if err != nil {
		return 0, err
	}
	n := 0
	for a.Next() && b.Next() && c.Next() {
		n++
	}
	return n, nil
}
