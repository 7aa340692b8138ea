// Handlers that read their request bodies whole.
package handlers

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"io/ioutil"
	"net/http"
)

type Item struct{ Name string }

func Echo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(r.Body) // want `r.Body is read whole with no limit on its size$`
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	w.Write(body)
}

func Create(w http.ResponseWriter, req *http.Request) {
	var it Item
	if err := json.NewDecoder(req.Body).Decode(&it); err != nil { // want `req.Body is read whole`
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
}

func Legacy(w http.ResponseWriter, r *http.Request) {
	for i := 0; i < 1; i++ {
		b, _ := ioutil.ReadAll(r.Body) // want `no automatic fix: the read.s error is discarded`
		w.Write(b)
	}
}

func XML(w http.ResponseWriter, r *http.Request) {
	var it Item
	xml.NewDecoder(r.Body).Decode(&it) // want `r.Body is read whole`
}

func Upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(10 << 20); err != nil { // want `r.Body is read whole`
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
}

// Already bounded, in every way: left alone.
func Bounded(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	io.ReadAll(r.Body)
}

func Limited(w http.ResponseWriter, r *http.Request) {
	io.ReadAll(io.LimitReader(r.Body, 1024))
}

func limit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
}

func ByHelper(w http.ResponseWriter, r *http.Request) {
	limit(w, r)
	io.ReadAll(r.Body)
}

// Given to a function leakfix cannot see into first: reported only.
type Middleware interface{ Prepare(*http.Request) }

func Opaque(m Middleware, w http.ResponseWriter, r *http.Request) {
	m.Prepare(r)
	io.ReadAll(r.Body) // want `no automatic fix: r is given to m.Prepare first, which may limit it`
}

// Not a handler: no ResponseWriter.
func Parse(r *http.Request) ([]byte, error) {
	return io.ReadAll(r.Body)
}
