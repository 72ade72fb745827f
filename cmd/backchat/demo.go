package main

import "github.com/backchat/backchat/internal/demo"

// demoPaths materialises the built-in demo archive (internal/demo) as a
// folder export and returns its path and a cleanup that removes it.
var demoPaths = func() ([]string, func(), error) {
	dir, cleanup, err := demo.Dir()
	if err != nil {
		return nil, nil, err
	}
	return []string{dir}, cleanup, nil
}
