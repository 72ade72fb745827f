package main

import "github.com/backchat/backchat/tui"

// newSearcher returns the engine behind the browser's filter.
func newSearcher() tui.Searcher { return tui.NewSubstringSearcher() }
