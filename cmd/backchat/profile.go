package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiling is a hidden hook for measuring the program as users run it
// (the browser included): BACKCHAT_CPUPROFILE=FILE writes a CPU profile
// (`go tool pprof`) and BACKCHAT_TRACE=FILE an execution trace
// (`go tool trace`: are both cores busy during a load?) of the whole run.
// The returned function stops them; it must run before the process exits.
func startProfiling() (stop func()) {
	var stops []func()
	if p := os.Getenv("BACKCHAT_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err != nil {
			fmt.Fprintln(os.Stderr, "backchat: cpu profile:", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "backchat: cpu profile:", err)
			_ = f.Close()
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); _ = f.Close() })
		}
	}
	if p := os.Getenv("BACKCHAT_TRACE"); p != "" {
		if f, err := os.Create(p); err != nil {
			fmt.Fprintln(os.Stderr, "backchat: trace:", err)
		} else if err := trace.Start(f); err != nil {
			fmt.Fprintln(os.Stderr, "backchat: trace:", err)
			_ = f.Close()
		} else {
			stops = append(stops, func() { trace.Stop(); _ = f.Close() })
		}
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
