// Package limits has request helpers for package handlers: whether one
// limits the body is learned from its body, across packages.
package limits

import "net/http"

// Apply bounds the request's body.
func Apply(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
}

// Log only looks at the request.
func Log(r *http.Request) string {
	return r.Method + " " + r.URL.Path
}
