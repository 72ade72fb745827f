// Command backchat-gen writes a deterministic synthetic ChatGPT export for
// tests and benchmarks: a conversations.json file, or with -zip a ZIP laid
// out like a real export.
//
//	backchat-gen -out conv1g.json -size 1GB
//	backchat-gen -out export.zip -n 30 -zip -shards 2 -seed 7
//	backchat-gen -out long1g.json -size 1GB -shape long
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/backchat/backchat/internal/testkit/gen"
)

func main() {
	// The generator allocates many short-lived values; a lazier GC roughly
	// halves its cost (measured: 132 → 200 MB/s on the 2-core VM).
	debug.SetGCPercent(400)
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "backchat-gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("backchat-gen", flag.ContinueOnError)
	out := fs.String("out", "", "output file (required; - for stdout)")
	size := fs.String("size", "", "target size of conversations.json, e.g. 250MB, 1GB (overrides -n)")
	n := fs.Int("n", 30, "number of conversations (when -size is not given)")
	zipOut := fs.Bool("zip", false, "write a ZIP export instead of a bare conversations.json")
	shards := fs.Int("shards", 1, "with -zip: number of conversations-NNN.json shards (1 = conversations.json)")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same bytes")
	shape := fs.String("shape", "short", "short: many short conversations (~58,000 per GB); long: long answers and big code blocks (~18,000 per GB)")
	noHuge := fs.Bool("no-huge", false, "never generate ~1 MB conversations")
	now := fs.String("now", "", "\"current time\" (YYYY-MM-DD): the newest conversation is just before it; the same seed with a later -now gives the same ids, updated later (a newer export of the same account)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-out is required")
	}
	sh, err := gen.ParseShape(*shape)
	if err != nil {
		return err
	}
	cfg := gen.Config{Seed: *seed, Conversations: *n, NoHuge: *noHuge, Shape: sh}
	if *now != "" {
		t, err := time.Parse(time.DateOnly, *now)
		if err != nil {
			return fmt.Errorf("-now: %w", err)
		}
		cfg.Now = t
	}
	if *size != "" {
		b, err := parseSize(*size)
		if err != nil {
			return err
		}
		cfg.TargetBytes = b
		cfg.Conversations = 0
	}
	f := os.Stdout
	if *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return err
		}
		defer f.Close()
	}
	w := bufio.NewWriterSize(f, 1<<20)
	start := time.Now()
	var st gen.Stats
	if *zipOut {
		st, err = gen.WriteZip(w, cfg, *shards)
	} else {
		st, err = gen.Write(w, cfg)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil && f != os.Stdout {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "backchat-gen: %s: %d conversations, %d messages, %d branch points, %d assets, %.1f MB JSON in %.2fs (%.0f MB/s)\n",
		*out, st.Conversations, st.Messages, st.BranchPoints, st.Assets, float64(st.Bytes)/1e6, el.Seconds(), float64(st.Bytes)/1e6/el.Seconds())
	return nil
}

// parseSize reads "1GB", "250MB", "64KB", "1000" (decimal units, as file
// managers show them; GiB/MiB/KiB are binary).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1e9}, {"M", 1e6}, {"K", 1e3}, {"B", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad -size %q (want e.g. 250MB or 1GB)", s)
	}
	return int64(v * float64(mult)), nil
}
