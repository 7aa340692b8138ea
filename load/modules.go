package load

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakfix/leakfix/internal/dirs"
)

// An ArgGroup is the part of the command line that one go command lists:
// the arguments, and the directory to run it in.
type ArgGroup struct {
	Dir  string // as Config.Dir
	Args []string
}

// GroupByModule splits args by the module, or the workspace, that holds
// each: a go command lists the packages of one main module (or one
// workspace), so a named .go file of another module must be loaded from
// that module's directory. Pre-commit passes the staged files from the
// repository's root, which is in no module, or in another one, when the
// go.mod files are below it.
//
// The group of cfg.Dir's own module comes first: it holds the package
// patterns, the files of that module, and the files in no module (the go
// command says what it makes of those). Each other module's or
// workspace's group holds its files, as absolute paths, and is run from
// the directory of one of its modules. Where every file is in cfg.Dir's
// module, which is the common case, that is all of args, in one group,
// and no go command is run to tell.
//
// Each group is loaded on its own: two modules may depend on different
// versions of one package, and a load holds one package for each path.
func GroupByModule(cfg Config, args []string) ([]ArgGroup, error) {
	patterns, files, err := classifyArgs(cfg.Dir, args)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(cmp.Or(cfg.Dir, "."))
	if err != nil {
		return nil, err
	}
	here := dirs.ModuleRoot(dir)
	moduleOf := map[string]string{} // file → the directory of its go.mod, "" for none
	var others []string             // module directories other than here
	for _, f := range files {
		m := dirs.ModuleRoot(filepath.Dir(f))
		moduleOf[f] = m
		if m != "" && m != here && !slices.Contains(others, m) {
			others = append(others, m)
		}
	}
	if len(others) == 0 {
		return []ArgGroup{{Dir: cfg.Dir, Args: args}}, nil
	}
	// A workspace that covers two modules loads them together, as the go
	// command does: the key of a module is its workspace's go.work, if
	// any, else its go.mod.
	hereKey, err := mainModuleKey(dir)
	if err != nil {
		return nil, err
	}
	keyOf := map[string]string{}
	for _, m := range others {
		if keyOf[m], err = mainModuleKey(m); err != nil {
			return nil, err
		}
	}
	// Groups come in the order of their first file on the command line.
	groups := []ArgGroup{{Dir: cfg.Dir, Args: patterns}}
	index := map[string]int{hereKey: 0} // key → groups index
	for _, arg := range args {
		f, isFile := files[arg]
		if !isFile {
			continue
		}
		m := moduleOf[f]
		key := hereKey
		if m != "" && m != here {
			key = keyOf[m]
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, ArgGroup{Dir: m})
		}
		if i == 0 {
			groups[0].Args = append(groups[0].Args, arg)
		} else {
			groups[i].Args = append(groups[i].Args, f)
		}
	}
	if len(groups[0].Args) == 0 {
		// Nothing to load here: an empty group would stand for ".".
		groups = groups[1:]
	}
	return groups, nil
}

// classifyArgs tells package patterns from .go files among args, which are
// relative to dir, and checks that the files exist: files maps each such
// argument to its absolute path. A directory is a pattern; a file that is
// not Go is an error.
func classifyArgs(dir string, args []string) (patterns []string, files map[string]string, err error) {
	files = map[string]string{}
	for _, arg := range args {
		path := arg
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, arg)
		}
		if !strings.HasSuffix(arg, ".go") {
			if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
				return nil, nil, fmt.Errorf("%s: not a Go file (arguments are package patterns, directories or .go files)", arg)
			}
			patterns = append(patterns, arg)
			continue
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, nil, err
		}
		if st, err := os.Stat(abs); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", arg, errors.Unwrap(err))
		} else if st.IsDir() {
			patterns = append(patterns, arg)
			continue
		}
		files[arg] = abs
	}
	return patterns, files, nil
}

// mainModuleKey names what the go command, run in dir, takes as its main
// modules: the go.work file of the workspace it is in, else its go.mod.
// The go command is asked, since GOWORK, GOFLAGS=-modfile and the like
// change its answer.
func mainModuleKey(dir string) (string, error) {
	gomod, gowork, err := mainModules(dir)
	if gowork != "" && gowork != "off" {
		return gowork, err
	}
	return gomod, err
}

// mainModules asks the go command, run in dir, for its go.mod and go.work
// files (GOMOD, GOWORK); an error carries what it printed.
func mainModules(dir string) (gomod, gowork string, err error) {
	cmd := exec.Command("go", "env", "GOMOD", "GOWORK")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", "", fmt.Errorf("go env in %s: %s", dir, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", "", fmt.Errorf("go env in %s: %w", dir, err)
	}
	gomod, gowork, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	return gomod, gowork, nil
}
