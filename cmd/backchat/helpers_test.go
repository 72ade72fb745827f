package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// checkGolden compares got with testdata/name.golden (rewritten with -update).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is one CLI run.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command line with a fake loader serving archives by path:
// a path absent from files fails with a file warning, as a real loader would.
func cli(t *testing.T, files map[string][]*model.Conversation, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.loc = time.UTC
	a.isTerminal = func(io.Writer) bool { return false }
	a.open = fakeOpen(files)
	a.getenv = emptyLibraryEnv(t)
	code := execute(context.Background(), a, args)
	return result{code, out.String(), errOut.String()}
}

// emptyLibraryEnv is an environment whose library is a missing folder in
// the test's temporary folder: a test never reads the user's library.
func emptyLibraryEnv(t *testing.T) func(string) string {
	lib := filepath.Join(t.TempDir(), "library")
	return func(k string) string {
		if k == "BACKCHAT_LIBRARY" {
			return lib
		}
		return ""
	}
}

func fakeOpen(files map[string][]*model.Conversation) func(context.Context, loader.Options, ...string) (*model.Archive, error) {
	return func(_ context.Context, _ loader.Options, paths ...string) (*model.Archive, error) {
		a := &model.Archive{Sources: paths}
		for _, p := range paths {
			cs, ok := files[p]
			if !ok {
				a.Warnings = append(a.Warnings, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: "no such file"})
				continue
			}
			a.Conversations = append(a.Conversations, cs...)
		}
		if len(a.Conversations) == 0 {
			return a, errors.New("loader: nothing could be loaded")
		}
		return a, nil
	}
}

func at(day, hour int) time.Time { return time.Date(2025, 6, day, hour, 3, 0, 0, time.UTC) }

// conv builds a linear conversation of user/assistant text messages.
func conv(id, title, modelSlug string, updated time.Time, texts ...string) *model.Conversation {
	c := &model.Conversation{ID: id, Title: title, Model: modelSlug, Service: "chatgpt", Created: updated.Add(-time.Hour), Updated: updated,
		Nodes: []model.Node{{Key: "root", Parent: model.NoNode}}}
	prev := int32(0)
	for i, s := range texts {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		n := int32(len(c.Nodes))
		c.Nodes = append(c.Nodes, model.Node{Key: "n" + string(rune('a'+i)), Parent: prev, Msg: msgkit.With(msgkit.With(&model.Message{
			ID: "m" + string(rune('a'+i)), Blocks: []model.Block{{Kind: model.BlockText, Text: s}}}, msgkit.Fields{Role: role}), msgkit.Fields{Recipient: "all", Time: updated.Add(time.Duration(i-len(texts)) * time.Minute)})})
		c.Nodes[prev].AddChild(n)
		prev = n
	}
	c.Current = prev
	return c
}

// archive is the fake export used by the CLI tests: three ordinary
// conversations, one with a fork and a hidden message, one with no times and
// one with a hostile title.
func archive() map[string][]*model.Conversation {
	forked := conv("abc-222", "Regenerated answer", "gpt-4o", at(3, 9), "Why is the sky blue?", "Rayleigh scattering.")
	alt := int32(len(forked.Nodes))
	forked.Nodes = append(forked.Nodes, model.Node{Key: "alt", Parent: 1, Msg: msgkit.With(msgkit.With(&model.Message{ID: "alt", Blocks: []model.Block{{Kind: model.BlockText, Text: "Because of scattering."}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", Time: at(3, 8)})})
	forked.Nodes[1].AddChild(alt)
	hidden := conv("abc-111", "With hidden system prompt", "o3", at(1, 10), "", "Hello!")
	hidden.Nodes[1].Msg.SetRole(model.RoleSystem)
	hidden.Nodes[1].Msg.Visibility = model.Hidden
	hidden.Archived, hidden.Starred, hidden.GizmoID = true, true, "g-xyz"
	undated := conv("zzz-000", "", "", time.Time{}, "hi")
	undated.Created = time.Time{}
	undated.Nodes[1].Msg.SetTime(time.Time{})
	evil := conv("e-1", "evil \x1b]52;c;aGk=\x07title\x1b[2J\u009b1m", "gpt-4o-2024-08-06", at(2, 12), "x\x1b[31my")
	return map[string][]*model.Conversation{
		"export.zip": {hidden, forked, undated},
		"more.json":  {evil},
	}
}

// rawControl reports the first control character a terminal would act on.
func rawControl(s string) (rune, bool) {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			return r, true
		}
	}
	return 0, false
}
