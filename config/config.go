// Package config reads a project's .leakfix.yaml: the resources the project
// declares for leakfix to track, and settings of its rules. The file that
// applies to a package is the first one found walking up from the
// package's directory.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/ownership"
	"go.yaml.in/yaml/v3"
)

// FileName is the name of the config file.
const FileName = ".leakfix.yaml"

// A Config is one .leakfix.yaml.
type Config struct {
	// Resources are the project's own acquirers.
	Resources []Resource `yaml:"resources"`
	// MaxBodyBytes bounds the request bodies the unbounded-read rules
	// allow; 0 means the default.
	MaxBodyBytes int64 `yaml:"max-body-bytes"`
	// Path is the file the config was read from, "" for the default.
	Path string `yaml:"-"`
}

// A Resource declares a function or method whose result must be released.
type Resource struct {
	// Func is the function, as go/types spells its full name:
	// "example.com/store.Open", "(*example.com/pool.Pool).Get".
	Func string `yaml:"func"`
	// Result is the index of the resource among the results (default 0).
	Result int `yaml:"result"`
	// Release is the method that releases it (default "Close").
	Release string `yaml:"release"`
	// Kind names it in messages (default "resource").
	Kind string `yaml:"kind"`
}

// Acquirers returns the standard library's acquirers together with the
// config's resources.
func (c *Config) Acquirers() ownership.Acquirers {
	extra := ownership.Acquirers{}
	for _, r := range c.Resources {
		extra[r.Func] = &ownership.Acquirer{
			Func:     r.Func,
			Result:   r.Result,
			Kind:     &ownership.Kind{Name: cmp(r.Kind, "resource"), Release: r.Release},
			Evidence: ownership.ByConfig,
		}
	}
	return ownership.With(extra)
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// A Finder finds and reads the config of directories, reading each file
// once.
type Finder struct {
	mu    sync.Mutex
	byDir map[string]result
}

type result struct {
	cfg *Config
	err error
}

// For returns the config that applies to dir: the first .leakfix.yaml in dir
// or above it, or an empty config when there is none.
func (f *Finder) For(dir string) (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byDir == nil {
		f.byDir = map[string]result{}
	}
	var walked []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if r, ok := f.byDir[d]; ok {
			return f.remember(walked, r)
		}
		walked = append(walked, d)
		path := filepath.Join(d, FileName)
		if _, err := os.Stat(path); err == nil {
			cfg, err := read(path)
			return f.remember(walked, result{cfg, err})
		}
		if filepath.Dir(d) == d {
			return f.remember(walked, result{cfg: &Config{}})
		}
	}
}

func (f *Finder) remember(dirs []string, r result) (*Config, error) {
	for _, d := range dirs {
		f.byDir[d] = r
	}
	return r.cfg, r.err
}

// read parses one config file, strictly: an unknown key is an error, and
// errors name the file and line.
func read(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil // an empty file
		}
		return nil, yamlError(path, err)
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, yamlError(path, err)
	}
	// Lines for the checks yaml cannot make: the nodes of each resource.
	var items []*yaml.Node
	if len(node.Content) > 0 {
		m := node.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "resources" {
				items = m.Content[i+1].Content
			}
		}
	}
	for i, r := range cfg.Resources {
		line := 0
		if i < len(items) {
			line = items[i].Line
		}
		switch {
		case r.Func == "":
			return nil, &Error{File: path, Line: line, Msg: "a resource needs func: the function that acquires it"}
		case r.Result < 0:
			return nil, &Error{File: path, Line: line, Msg: "result must be 0 or more"}
		}
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, &Error{File: path, Msg: "max-body-bytes must be 0 or more"}
	}
	return cfg, nil
}

// An Error is a mistake in a config file.
type Error struct {
	File string
	Line int // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var lineRx = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns the yaml package's "line N: message" errors into Errors.
func yamlError(path string, err error) error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	m := lineRx.FindStringSubmatch(msgs[0])
	if m == nil {
		return &Error{File: path, Msg: strings.TrimPrefix(msgs[0], "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	return &Error{File: path, Line: line, Msg: strings.TrimSuffix(m[2], " in type config.Resource")}
}
