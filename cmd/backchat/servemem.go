package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// The memory `backchat serve` lets the Go heap grow into, over what the
// loaded archive holds: a fixed headroom (garbage between collections),
// the shared caches (below) and a budget per session it may run (a browser's
// live state is about 1.5–2 MB, most of it Bubble Tea's two cell buffers of
// the screen; the rest of the budget is garbage between collections).
// 3 MB: at 3.5 MB, 50 sessions typing distinct queries on a 1 GB library
// collected 44–51 times instead of 66–85 for 12.1–12.6 server CPU-s
// instead of 15.1–15.4 (load 15–21), but on a quiet machine, with the
// Markdown cache counted below, they grew 4.98–5.05 MB anon per session
// against issue 15's 5 MB bound; at 3 MB 4.90–5.08. 2.5 MB gave 4.87–4.91
// for 6% more CPU: the budget no longer sets the figure (most of it is
// shared: the headroom and the caches below are ~2.2 MB of it at 50
// sessions). See scripts/bench-serve.sh.
const (
	serveHeadroom      = 40 << 20
	serveSessionBudget = 3 << 20
)

// The caches every session shares fill as the server runs, and then the
// live heap is that much larger for good: the render cache
// (tui.Prepared.SetRenderCacheBytes), the searcher's answers
// (live.Searcher.SetCacheBytes) and a snapshot's decompressed text chunks
// (snapshot.Snapshot.SetTextCacheBytes), and the messages' Markdown
// (tui.Prepared.SetMarkdownCacheBytes). serve bounds them below the
// browser's defaults (64, 16, 128 and 16 MB) and the limit counts them all
// on top of the headroom: a limit without them made the collector run back
// to back once they were full (a third of the CPU with 50 sessions on a
// 1 GB library). The render and Markdown caches are hit little under
// serve: scripts/bench-serve.sh with 50 sessions typing distinct queries
// on a 1 GB library put 5.2 and 7.1 MB in them over the whole run, for
// 11% and 30% hits (text chunks: 80 MB put, 88% hits at 16 MB). Halving
// their bounds (a limit 24 MB lower) did not show in anon per session
// (4.28/4.73 vs 4.44/4.74 MB, load 5–12) and the server's CPU rose
// (24.8 vs 18.0 s at load 5.5): the live heap is at the limit already.
const (
	serveRenderCache   = 32 << 20
	serveAnswerCache   = 8 << 20
	serveTextCache     = 16 << 20
	serveMarkdownCache = 16 << 20
	serveSharedCaches  = serveRenderCache + serveAnswerCache + serveTextCache + serveMarkdownCache
)

// limitServeMemory sets a soft memory limit for serving an archive that is
// loaded already: what the runtime holds now (the live heap after a
// collection, plus stacks and the runtime's own structures) plus
// serveHeadroom, the shared caches' bounds (serveSharedCaches) and
// serveSessionBudget per session. Without it, the
// collector's default target lets the heap grow by as much as it holds live
// before collecting: with a 250 MB export that is hundreds of MB of garbage,
// several MB per session at 50 sessions. The limit is soft: when sessions
// need more, the collector runs more often (at most about half the CPU) and
// the heap grows past it. A GOMEMLIMIT in the environment is left alone.
// It returns the limit in force.
func limitServeMemory(maxSessions int) (limit int64, set bool) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), false
	}
	// Hand back what the load used and freed, then measure what stays.
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapAlloc) + int64(ms.Sys-ms.HeapSys)
	limit = base + serveHeadroom + serveSharedCaches + int64(max(maxSessions, 1))*serveSessionBudget
	debug.SetMemoryLimit(limit)
	return limit, true
}
