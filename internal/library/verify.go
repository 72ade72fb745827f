package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Problem is an import whose copy is missing or no longer hashes to its
// name.
type Problem struct {
	Import Import
	Err    error
}

// Verify re-hashes every import and returns those that are missing or
// changed, in manifest order. progress, when set, is called before each
// import is hashed. The error is for a cancelled context only.
func (l *Library) Verify(ctx context.Context, progress func(i int, imp Import)) ([]Problem, error) {
	var out []Problem
	for i, imp := range l.Manifest.Imports {
		if progress != nil {
			progress(i, imp)
		}
		p := l.Path(imp)
		if _, err := os.Lstat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("missing: %s", p)
			}
			out = append(out, Problem{imp, err})
			continue
		}
		d, err := hashPath(ctx, p)
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		switch {
		case err != nil:
			out = append(out, Problem{imp, err})
		case d.hash != imp.Hash:
			out = append(out, Problem{imp, fmt.Errorf("content changed: %s hashes to %s", p, d.hash[:12])})
		case d.kind != imp.Kind:
			out = append(out, Problem{imp, fmt.Errorf("%s is a %s, imported as a %s", p, d.kind, imp.Kind)})
		}
	}
	return out, nil
}
