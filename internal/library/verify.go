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
// import is hashed. The error is for a cancelled context only. An intact
// copy's statSum is recorded in the manifest when it is not the one there
// (Import.Stat), unless an import runs meanwhile.
func (l *Library) Verify(ctx context.Context, progress func(i int, imp Import)) ([]Problem, error) {
	var out []Problem
	stats := map[string][2]string{} // hash to the Stat seen and the new one
	defer func() { l.recordStats(stats) }()
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
		sum := statSum(p)
		d, err := hashPath(ctx, p)
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		n := len(out)
		switch {
		case err != nil:
			out = append(out, Problem{imp, err})
		case d.hash != imp.Hash:
			out = append(out, Problem{imp, fmt.Errorf("content changed: %s hashes to %s", p, d.hash[:12])})
		case d.kind != imp.Kind:
			out = append(out, Problem{imp, fmt.Errorf("%s is a %s, imported as a %s", p, d.kind, imp.Kind)})
		case sum != "" && sum != imp.Stat && statSum(p) == sum:
			stats[imp.Hash] = [2]string{imp.Stat, sum}
		}
		if len(out) > n && imp.Stat != "" {
			// Damaged: forget its stat, so that the re-import the
			// problem advises hashes the copy and mends it.
			stats[imp.Hash] = [2]string{imp.Stat, ""}
		}
	}
	return out, nil
}

// recordStats writes the new Stat of each import in stats whose Stat in
// the manifest is still the one seen (an import may have recorded another
// meanwhile), under the lock; if an import holds it, or anything fails,
// nothing is recorded: the next import of those exports hashes them.
func (l *Library) recordStats(stats map[string][2]string) {
	if len(stats) == 0 {
		return
	}
	lk, err := Acquire(context.Background(), l.Dir, 0, nil)
	if err != nil {
		return
	}
	defer lk.Release()
	cur, err := Open(l.Dir)
	if err != nil {
		return
	}
	news := map[string]string{}
	for _, imp := range cur.Manifest.Imports {
		if s, ok := stats[imp.Hash]; ok && imp.Stat == s[0] {
			news[imp.Hash] = s[1]
		}
	}
	if len(news) == 0 {
		return
	}
	m := cur.Manifest
	m.Imports = withStats(m.Imports, news)
	_ = writeManifest(l.Dir, m, writeHook{})
}
