package main

import "errors"

// demoPaths returns the files of the built-in demo archive, for --demo.
//
// NOTE: the demo archive (internal/demo) is built on another branch; the
// integrator wires this function to it.
var demoPaths = func() ([]string, error) {
	return nil, errors.New("demo not available")
}
