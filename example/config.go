// Package leaky is a small service with the leaks leakfix exists for. Run
// leakfix on it from the repository root:
//
//	go run . -C example -d ./...
package leaky

import (
	"encoding/json"
	"os"
)

// Config is the service's configuration.
type Config struct {
	Addr string `json:"addr"`
}

// LoadConfig reads the configuration file. The file is never closed: every
// reload leaks a descriptor until the garbage collector finds it.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := json.NewDecoder(f).Decode(&c); err != nil {
		return nil, err
	}
	return &c, nil
}
