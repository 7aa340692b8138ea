// Files opened, created or made temporary, and never closed.
package files

import (
	"encoding/json"
	"io"
	"os"
)

type Config struct{ Name string }

func Load(path string) (*Config, error) {
	f, err := os.Open(path) // want `f \(file from os.Open\) is never closed$`
	if err != nil {
		return nil, err
	}
	var c Config
	if err := json.NewDecoder(f).Decode(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

func Save(path string, data []byte) error {
	f, err := os.Create(path) // want `f \(file from os.Create\) is never closed$`
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

func Append(path string, r io.Reader) error {
	out, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644) // want `out \(file from os.OpenFile\)`
	if nil != err {
		return err
	}
	_, err = io.Copy(out, r)
	return err
}

func Scratch() (string, error) {
	tmp, err := os.CreateTemp("", "x") // want `tmp \(file from os.CreateTemp\)`
	if err != nil {
		panic(err)
	}
	info, err := tmp.Stat()
	if err != nil {
		return "", err
	}
	return info.Name(), nil
}

// The error is discarded: closing a nil *os.File is harmless, so the close
// goes right after the acquisition.
func Peek(path string) byte {
	f, _ := os.Open(path) // want `never closed$`
	b := make([]byte, 1)
	f.Read(b)
	return b[0]
}
