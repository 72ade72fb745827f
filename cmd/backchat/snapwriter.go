package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/spf13/cobra"
)

// A command that prints and ends (ls, show, search, stats, export) and
// found no usable snapshot does not write one itself: that needs the
// search index, which such a command does not build, and building it
// takes longer than the command (a 1 GB export: ~2.5 s to load, ~10 s
// more for the index and the write). Once its output is done it starts a
// detached process (its own session, no terminal, stdio on /dev/null,
// nice 10) that loads the same inputs and writes the snapshot: the
// command, its pipe and the shell prompt end at the plain load's time,
// and the next command finds the snapshot. One writer per snapshot folder
// runs at a time (a lock file); the writer gives up when the inputs
// changed since the command looked at them (their fingerprint) or when a
// good snapshot is already there. BACKCHAT_SNAPSHOT_DETACH=0 makes the
// command write it itself before it exits (scripts that want it in place
// when the command returns).

// snapWriterName is the hidden command the detached writer runs.
const snapWriterName = "__write-snapshot"

// detachWrites reports whether a printing command leaves its snapshot
// write to a detached process: only a real process (main sets
// a.detachable; tests run in-process) and not when the environment says
// BACKCHAT_SNAPSHOT_DETACH=0.
func (a *app) detachWrites() bool {
	return canDetach && a.detachable && a.getenv("BACKCHAT_SNAPSHOT_DETACH") != "0"
}

// detachSnapshotWrite starts the detached writer of plan's snapshot.
func (a *app) detachSnapshotWrite(plan snapPlan) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{snapWriterName, "--to", plan.path, "--fingerprint", hex.EncodeToString(plan.fp[:])}
	if plan.prune {
		args = append(args, "--prune")
	}
	if a.distrust {
		args = append(args, "--replace") // the snapshot there is damaged
	}
	if a.debug {
		args = append(args, "--debug")
	}
	args = append(args, "--")
	args = append(args, plan.inputs...)
	cmd := exec.Command(exe, args...)
	cmd.Dir = "/" // the inputs are absolute; hold no working directory busy
	cmd.SysProcAttr = detachedProcess()
	if err := cmd.Start(); err != nil {
		return err
	}
	a.log.Info("snapshot writer started", "pid", cmd.Process.Pid, "path", plan.path)
	return cmd.Process.Release()
}

// snapshotWriterCommand is the detached writer: it loads the inputs and
// writes their snapshot to --to, unless another writer holds the folder's
// lock, the inputs no longer have --fingerprint, or (without --replace) a
// good snapshot is already there.
func (a *app) snapshotWriterCommand() *cobra.Command {
	var to, fp string
	var prune, replace bool
	c := &cobra.Command{
		Use:    snapWriterName + " --to PATH --fingerprint HEX [--prune] [--replace] -- INPUT...",
		Short:  "write a snapshot (run detached by a command that found none)",
		Hidden: true,
		Args:   cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, inputs []string) error {
			want, err := hex.DecodeString(fp)
			if err != nil || len(want) != len(snapshot.Fingerprint{}) || to == "" {
				return usageErrorf("%s needs --to PATH and a --fingerprint of %d hex bytes", snapWriterName, len(snapshot.Fingerprint{}))
			}
			for _, in := range inputs {
				if !filepath.IsAbs(in) {
					return usageErrorf("%s: input %q is not an absolute path", snapWriterName, in)
				}
			}
			plan := snapPlan{path: to, prune: prune, inputs: inputs}
			copy(plan.fp[:], want)
			lowerPriority()
			unlock, err := lockSnapshotWriter(filepath.Dir(to))
			if errors.Is(err, errWriterBusy) {
				a.log.Info("snapshot writer: another one is running", "path", to)
				return nil
			}
			if err != nil {
				return failure(fmt.Errorf("snapshot writer: %w", err))
			}
			defer unlock()
			if got, err := fingerprintInputs(inputs); err != nil || got != plan.fp {
				a.log.Info("snapshot writer: the inputs changed", "err", err)
				return nil
			}
			if !replace {
				if s, err := snapshot.Open(to, plan.fp); err == nil {
					_ = s.Close()
					a.log.Info("snapshot writer: already written", "path", to)
					return nil
				}
			}
			a.rebuildSnapshotNow(cmd.Context(), plan)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&to, "to", "", "the snapshot's `PATH`")
	f.StringVar(&fp, "fingerprint", "", "the inputs' fingerprint (`HEX`) when the command looked at them")
	f.BoolVar(&prune, "prune", false, "remove the folder's snapshots of other fingerprints once written")
	f.BoolVar(&replace, "replace", false, "write even when a snapshot that opens is there (it was found damaged)")
	return c
}

// errWriterBusy: another snapshot writer holds the folder's lock.
var errWriterBusy = errors.New("another snapshot writer is running")

// writerLockName is the lock file of a snapshot folder's writers.
const writerLockName = ".snapshot-writer.lock"
