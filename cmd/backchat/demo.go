package main

import (
	"time"

	"github.com/backchat/backchat/internal/demo"
)

// demoPaths materialises the built-in demo archive (internal/demo) as a
// folder export and returns its path and a cleanup that removes it.
var demoPaths = func() ([]string, func(), error) {
	dir, cleanup, err := demo.Dir()
	if err != nil {
		return nil, nil, err
	}
	return []string{dir}, cleanup, nil
}

// demoClock is the browser's clock for the demo archive: its dates were
// written against demo.Reference, so the list shows them as they were
// meant ("Today", "Yesterday", …) whatever today is.
func demoClock() func() time.Time {
	start := time.Now()
	return func() time.Time { return demo.Reference.Add(time.Since(start)) }
}
