package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrBusy is returned when another import holds the library past the wait.
var ErrBusy = errors.New("another import is running")

// Lock is an exclusive hold on a library folder (flock on its lock file).
// Not safe for concurrent use.
type Lock struct {
	f *os.File
}

// lockPoll is how often a waiting import retries the lock.
const lockPoll = 50 * time.Millisecond

// Acquire creates the library folder (0700) when missing and locks it,
// waiting up to wait (0: not at all) for another holder; onWait, when set,
// is called once if it has to wait, with the holder's process id (0 when
// unknown). The folder's permissions are checked as by Open.
func Acquire(ctx context.Context, dir string, wait time.Duration, onWait func(pid int)) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	if _, err := checkMode(dir, fi.Mode()); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	deadline := time.Now().Add(wait)
	waited := false
	for {
		busy, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("library: lock %s: %w", path, err)
		}
		if !busy {
			break
		}
		pid := holder(path)
		if !time.Now().Before(deadline) {
			f.Close()
			who := ""
			if pid > 0 {
				who = fmt.Sprintf(" (process %d)", pid)
			}
			return nil, fmt.Errorf("library %s: %w%s; gave up after %s", dir, ErrBusy, who, wait)
		}
		if !waited && onWait != nil {
			onWait(pid)
		}
		waited = true
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
	// Say who holds it, for the message of the next one to wait.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// holder reads the process id the lock holder wrote, or 0.
func holder(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// Release unlocks. The lock file stays (removing it would let a third
// process lock a new file while a second still waits on the old one).
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
