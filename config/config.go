// Package config reads a project's .leakfix.yaml: the resources the project
// declares for leakfix to track, which rules run, the files a rule leaves
// alone, and settings of the rules. The file that applies to a package is
// the first one found walking up from the package's directory.
package config

import (
	"cmp"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/ownership"
	"go.yaml.in/yaml/v3"
)

// FileName is the name of the config file.
const FileName = ".leakfix.yaml"

// DefaultMaxBodyBytes is the limit the unbounded-read rules put on bodies
// where neither the command line nor the file (MaxBodyBytes) sets one:
// 32 MiB, net/http's own default for multipart memory.
const DefaultMaxBodyBytes = 32 << 20

// A Config is one .leakfix.yaml.
type Config struct {
	// Resources are the project's own acquirers.
	Resources []Resource
	// MaxBodyBytes bounds the request bodies the unbounded-read rules
	// allow; 0 when the file does not set it (DefaultMaxBodyBytes
	// applies).
	MaxBodyBytes int64
	// Enable and Disable turn rules on and off by name, as --enable and
	// --disable do; the names are checked by package rules, which knows
	// them (see rules.Selection).
	Enable, Disable []Name
	// Exclusions leave files to a rule's choice: its findings (and so its
	// fixes) there are dropped.
	Exclusions []Exclusion
	// Path is the file the config was read from, "" for the default.
	Path string
}

// A Pos is a position in the config file.
type Pos struct{ Line, Col int }

// A Name is a rule's name as the file spells it, with its position.
type Name struct {
	Name string
	Pos  Pos
}

// A Resource declares a function or method whose result must be released.
type Resource struct {
	// Func is the function, as go/types spells its full name:
	// "example.com/store.Open", "(*example.com/pool.Pool).Get".
	Func string
	// Result is the index of the resource among the results (default 0).
	Result int
	// Release is the method that releases it (default "Close").
	Release string
	// Kind names it in messages (default "resource").
	Kind string
	// FuncPos and ResultPos are where func and result are written
	// (ResultPos is zero when result is not).
	FuncPos, ResultPos Pos
}

// An Exclusion leaves the files whose path matches Path to the choice of
// Rules: their findings in those files are dropped.
type Exclusion struct {
	// Path matches the slash-separated path of a file relative to the
	// config file's directory.
	Path *regexp.Regexp
	// Rules are the rules excluded; none means every rule.
	Rules []Name
}

// Excludes reports whether the config leaves file (a path on disk) to the
// choice of rule: an exclusion's path matches it and names rule, or no
// rule at all.
func (c *Config) Excludes(rule, file string) bool {
	if len(c.Exclusions) == 0 {
		return false
	}
	rel, err := filepath.Rel(filepath.Dir(c.Path), file)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, e := range c.Exclusions {
		if !e.Path.MatchString(rel) {
			continue
		}
		if len(e.Rules) == 0 || slices.ContainsFunc(e.Rules, func(n Name) bool { return n.Name == rule }) {
			return true
		}
	}
	return false
}

// Acquirers returns the standard library's acquirers together with the
// config's resources.
func (c *Config) Acquirers() ownership.Acquirers {
	extra := ownership.Acquirers{}
	for _, r := range c.Resources {
		extra[r.Func] = &ownership.Acquirer{
			Func:     r.Func,
			Result:   r.Result,
			Kind:     &ownership.Kind{Name: cmp.Or(r.Kind, "resource"), Release: r.Release},
			Evidence: ownership.ByConfig,
		}
	}
	return ownership.With(extra)
}

// Errorf returns an error at pos in the config file.
func (c *Config) Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{File: c.Path, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)}
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

// read parses one config file, strictly: an unknown key, a value of the
// wrong type or out of range is an error at its line and column that
// names the key and says what is valid there.
func read(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses the content of a config file read from path.
func Parse(path string, data []byte) (*Config, error) {
	cfg := &Config{Path: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	if len(doc.Content) == 0 {
		return cfg, nil // an empty file, or comments only
	}
	d := &decoder{cfg: cfg}
	d.mapping(doc.Content[0], "the file", map[string]func(*yaml.Node){
		"resources": func(n *yaml.Node) {
			for _, item := range d.sequence(n, "resources") {
				d.resource(item)
			}
		},
		"max-body-bytes": func(n *yaml.Node) {
			v, ok := d.integer(n, "max-body-bytes")
			if ok && v <= 0 {
				// As --max-body-bytes: 0 would be no limit at all,
				// which is what the rule is there to prevent.
				d.errorf(n, "max-body-bytes must be a positive number of bytes, not %s (leave it out for the default, %d MiB)", n.Value, DefaultMaxBodyBytes>>20)
			}
			cfg.MaxBodyBytes = v
		},
		"enable":     func(n *yaml.Node) { cfg.Enable = d.names(n, "enable") },
		"disable":    func(n *yaml.Node) { cfg.Disable = d.names(n, "disable") },
		"exclusions": d.exclusions,
	})
	for _, on := range cfg.Enable {
		if i := slices.IndexFunc(cfg.Disable, func(off Name) bool { return off.Name == on.Name }); i >= 0 {
			off := cfg.Disable[i]
			d.errs = append(d.errs, cfg.Errorf(off.Pos, "rule %q is both enabled (line %d) and disabled", off.Name, on.Pos.Line))
		}
	}
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *Error) int { return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col)) })
		return nil, d.errs
	}
	return cfg, nil
}

// A decoder walks the file's nodes, gathering every mistake.
type decoder struct {
	cfg  *Config
	errs Errors
}

func pos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, d.cfg.Errorf(pos(n), format, args...))
}

// resolve follows an alias (*name) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// mapping decodes a mapping by its keys; what names the mapping in
// messages ("the file", "a resource").
func (d *decoder) mapping(n *yaml.Node, what string, keys map[string]func(*yaml.Node)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping of %s, not %s", what, validKeys(keys), describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		decode, ok := keys[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode || !ok:
			d.errorf(k, "unknown key %q in %s (valid keys: %s)", k.Value, what, validKeys(keys))
		case seen[k.Value]:
			d.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			decode(v)
		}
	}
}

func validKeys(keys map[string]func(*yaml.Node)) string {
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// describe names a node's type as a message says it.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	}
	return n.Value
}

// sequence returns the items of a list.
func (d *decoder) sequence(n *yaml.Node, key string) []*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list, not %s", key, describe(n))
		return nil
	}
	return n.Content
}

// str returns a string value.
func (d *decoder) str(n *yaml.Node, key string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, "%s must be a string, not %s", key, describe(n))
		return "", false
	}
	return n.Value, true
}

// integer returns an integer value.
func (d *decoder) integer(n *yaml.Node, key string) (int64, bool) {
	n = resolve(n)
	var v int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		d.errorf(n, "%s must be an integer, not %s", key, describe(n))
		return 0, false
	}
	return v, true
}

// names returns a list of rule names.
func (d *decoder) names(n *yaml.Node, key string) []Name {
	var out []Name
	for _, item := range d.sequence(n, key) {
		if name, ok := d.str(item, "each of "+key); ok {
			out = append(out, Name{Name: name, Pos: pos(resolve(item))})
		}
	}
	return out
}

func (d *decoder) resource(n *yaml.Node) {
	var r Resource
	hasFunc := false
	d.mapping(n, "a resource", map[string]func(*yaml.Node){
		"func": func(v *yaml.Node) {
			hasFunc = true
			name, ok := d.str(v, "func")
			if ok && !funcName.MatchString(name) {
				d.errorf(v, "func must name a function as go/types spells it (example.com/store.Open, (*example.com/pool.Pool).Get), not %q", name)
			}
			r.Func, r.FuncPos = name, pos(resolve(v))
		},
		"result": func(v *yaml.Node) {
			i, ok := d.integer(v, "result")
			if ok && (i < 0 || i > 1<<16) {
				d.errorf(v, "result must be the index of a result (0 for the first), not %d", i)
			}
			r.Result, r.ResultPos = int(i), pos(resolve(v))
		},
		"release": func(v *yaml.Node) {
			name, ok := d.str(v, "release")
			if ok && !token.IsIdentifier(name) {
				d.errorf(v, "release must be the name of a method, not %q", name)
			}
			r.Release = name
		},
		"kind": func(v *yaml.Node) { r.Kind, _ = d.str(v, "kind") },
	})
	if !hasFunc && resolve(n).Kind == yaml.MappingNode {
		d.errorf(n, "a resource needs func: the function that acquires it")
	}
	d.cfg.Resources = append(d.cfg.Resources, r)
}

// funcName is the shape of a function's or method's full name, as go/types
// spells it: a package path, then a name, or a receiver type in
// parentheses (a generic one with its parameters, "(*p.M[K, V])"), then a
// method name. Whether it names anything is checked against the loaded
// packages (a warning), not here.
var funcName = regexp.MustCompile(`^(?:[^\s()]+|\(\*?[^\s()*\[]+(?:\[[^()]*\])?\))\.[\pL_][\pL\pN_]*$`)

func (d *decoder) exclusions(n *yaml.Node) {
	d.mapping(n, "exclusions", map[string]func(*yaml.Node){
		"rules": func(v *yaml.Node) {
			for _, item := range d.sequence(v, "exclusions.rules") {
				d.exclusion(item)
			}
		},
	})
}

func (d *decoder) exclusion(n *yaml.Node) {
	var e Exclusion
	hasPath := false
	d.mapping(n, "an exclusion", map[string]func(*yaml.Node){
		"path": func(v *yaml.Node) {
			hasPath = true
			expr, ok := d.str(v, "path")
			if !ok {
				return
			}
			rx, err := regexp.Compile(expr)
			if err != nil {
				d.errorf(v, "path must be a regular expression: %v", err)
				return
			}
			e.Path = rx
		},
		"rules": func(v *yaml.Node) { e.Rules = d.names(v, "rules") },
	})
	if !hasPath && resolve(n).Kind == yaml.MappingNode {
		d.errorf(n, "an exclusion needs path: a regular expression matching the files' paths relative to %s", filepath.Dir(d.cfg.Path))
	}
	d.cfg.Exclusions = append(d.cfg.Exclusions, e)
}

// Errors are the mistakes of a config file, in the order of the file.
type Errors []*Error

// Error is one line per mistake.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// An Error is a mistake in a config file.
type Error struct {
	File      string
	Line, Col int // 0 when unknown
	Msg       string
}

func (e *Error) Error() string { return e.Pos() + ": " + e.Msg }

// Pos is the error's position: file:line:col, file:line or file.
func (e *Error) Pos() string { return Position(e.File, Pos{e.Line, e.Col}) }

// Position spells a position in file as go vet does: file:line:col,
// file:line without a column, file alone without a line.
func Position(file string, p Pos) string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", file, p.Line)
	}
	return file
}

var lineRx = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns the yaml package's syntax errors ("line N: message",
// which give no column) into Errors.
func yamlError(path string, err error) error {
	msg := err.Error()
	m := lineRx.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: path, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	return &Error{File: path, Line: line, Msg: m[2]}
}
