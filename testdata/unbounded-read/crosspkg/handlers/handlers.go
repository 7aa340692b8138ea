// Package handlers reads bodies after calling package limits' helpers.
package handlers

import (
	"io"
	"net/http"

	"example.com/cases/crosspkg/limits"
)

// Limited by the helper of another package: left alone.
func Limited(w http.ResponseWriter, r *http.Request) {
	limits.Apply(w, r)
	body, _ := io.ReadAll(r.Body)
	w.Write(body)
}

// The helper only logs: the body is still read unbounded, and fixed.
func Logged(w http.ResponseWriter, r *http.Request) {
	_ = limits.Log(r)
	body, err := io.ReadAll(r.Body) // want `r.Body is read whole with no limit on its size$`
	if err != nil {
		return
	}
	w.Write(body)
}
