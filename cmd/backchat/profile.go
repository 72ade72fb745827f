package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiling is a hidden hook for measuring the program as users run it
// (the browser included): BACKCHAT_CPUPROFILE=FILE writes a CPU profile
// (`go tool pprof`) and BACKCHAT_TRACE=FILE an execution trace
// (`go tool trace`: are both cores busy during a load?) of the whole run;
// BACKCHAT_ALLOCPROFILE=FILE writes the allocations of the whole run
// (`go tool pprof -sample_index=alloc_space`) when it ends.
// The returned function stops them; it must run before the process exits.
func startProfiling() (stop func()) {
	var stops []func()
	// to starts one kind of profile into the file env names, if any.
	to := func(env, what string, start func(io.Writer) error, end func()) {
		p := os.Getenv(env)
		if p == "" {
			return
		}
		f, err := os.Create(p)
		if err == nil {
			if err = start(f); err != nil {
				_ = f.Close()
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "backchat: "+what+":", err)
			return
		}
		stops = append(stops, func() { end(); _ = f.Close() })
	}
	to("BACKCHAT_CPUPROFILE", "cpu profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
	to("BACKCHAT_TRACE", "trace", trace.Start, trace.Stop)
	var allocs io.Writer
	to("BACKCHAT_ALLOCPROFILE", "alloc profile", func(w io.Writer) error { allocs = w; return nil },
		func() {
			// The profile is as of the last collection: without one here
			// it would miss everything allocated since (a browser that
			// loaded then searched may not have collected after the load).
			runtime.GC()
			_ = pprof.Lookup("allocs").WriteTo(allocs, 0)
		})
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
