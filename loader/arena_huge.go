//go:build linux

package loader

import "time"

// hugeMin is the smallest chunk worth advising to use huge pages (one
// 2 MiB page).
const hugeMin = 2 << 20

// hugeFast is how long a chunk advised to use huge pages may take to fill,
// per MiB, for the next chunks to be advised too: 4 KiB pages fill at
// ~0.6–1.6 ms/MiB on the benchmark VM, huge ones at ~0.15–0.3 ms/MiB when
// the memory was freed a moment before and 2–6 ms/MiB otherwise.
const hugeFast = 500 * time.Microsecond

// hugeRetry is after how many chunks of 4 KiB pages huge pages are tried
// again (memory another process freed may have turned up meanwhile).
const hugeRetry = 16

// hugePolicy decides whether an arena's next chunk is advised to use
// transparent huge pages (MADV_HUGEPAGE). On the 2-core benchmark VM,
// whose balloon hands free 2 MiB blocks back to the host, a huge page is
// nearly always such a block and costs the host's faults again, while
// 4 KiB pages come first from the smaller blocks the guest kept: filling
// 1 GB took 2.0–6.5 s (1.5–2.1 CPU-s) with huge pages against 0.7–1.6 s
// (0.7–0.8 CPU-s) without (one process at a time, cold, interleaved).
// Huge pages only win on 2 MiB blocks freed a moment before, not yet
// handed back (0.2–0.3 s for 1 GB), as when `backchat ls` starts right
// after another load exits. So the arena asks for huge pages while they
// fill faster than hugeFast, then for 4 KiB pages, trying huge ones again
// every hugeRetry chunks. NOTES.md has the measurements.
//
// Not safe for concurrent use.
type hugePolicy struct {
	off   bool // the last chunk advised to use huge pages filled slowly
	small int  // chunks of 4 KiB pages since
}

// huge reports whether the next chunk is to use huge pages.
func (p *hugePolicy) huge() bool {
	if !p.off {
		return true
	}
	p.small++
	if p.small > hugeRetry {
		p.small = 0
		return true
	}
	return false
}

// filled records that a chunk of n bytes advised to use huge pages took d
// to fill.
func (p *hugePolicy) filled(n int, d time.Duration) {
	p.off = d > hugeFast*time.Duration(n>>20)
}
