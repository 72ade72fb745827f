package exporter

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// outsideUnchanged fails when dir holds anything but want (name → content).
func outsideUnchanged(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("outside folder holds %v, want only %d file(s)", names, len(want))
	}
	for name, content := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != content {
			t.Errorf("%s outside DIR: %q, %v; want %q untouched", name, b, err, content)
		}
	}
}

// A symbolic link already inside the output folder never receives a file,
// whether it stands for a document or for a conversation's image folder.
func TestExportNeverFollowsSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	a := loadDemo(t)
	opt := Options{Format: Markdown, OpenAsset: loader.OpenAsset}
	// Learn the names: a document, and a conversation with an image folder.
	probe := t.TempDir()
	if _, err := Export(context.Background(), DirFS(probe), a.Conversations, opt); err != nil {
		t.Fatal(err)
	}
	var doc, imgDir string
	entries, _ := os.ReadDir(probe)
	for _, e := range entries {
		if e.IsDir() && imgDir == "" {
			imgDir = e.Name()
		} else if strings.HasSuffix(e.Name(), ".md") && doc == "" && !slices.ContainsFunc(entries, func(d os.DirEntry) bool {
			return d.IsDir() && d.Name()+".md" == e.Name()
		}) {
			doc = e.Name()
		}
	}
	if doc == "" || imgDir == "" {
		t.Fatalf("demo export lacks a plain document or an image folder: %v", entries)
	}
	var withImages []*model.Conversation
	for _, c := range a.Conversations {
		if strings.HasPrefix(imgDir+".md", Stem(c)) {
			withImages = append(withImages, c)
		}
	}

	t.Run("document link", func(t *testing.T) {
		out, outside := t.TempDir(), t.TempDir()
		victim := filepath.Join(outside, "victim.md")
		if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(out, doc)
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
		sum, err := Export(context.Background(), DirFS(out), a.Conversations, opt)
		if err == nil || !slices.Contains(sum.Conflicts, doc) {
			t.Errorf("a link at %s: err %v, conflicts %v; want it listed as a conflict", doc, err, sum.Conflicts)
		}
		outsideUnchanged(t, outside, map[string]string{"victim.md": "precious"})
		// With --force the link itself is replaced by the document.
		opt := opt
		opt.Force = true
		if _, err := Export(context.Background(), DirFS(out), a.Conversations, opt); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(link)
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("after --force %s is %v (%v), want a regular file", doc, fi.Mode(), err)
		}
		outsideUnchanged(t, outside, map[string]string{"victim.md": "precious"})
	})

	t.Run("image folder link", func(t *testing.T) {
		out, outside := t.TempDir(), t.TempDir()
		if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("k"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(out, imgDir)); err != nil {
			t.Fatal(err)
		}
		for _, force := range []bool{false, true} {
			opt := opt
			opt.Force = force
			_, err := Export(context.Background(), DirFS(out), withImages, opt)
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("force=%v: err %v, want a refusal naming the symbolic link", force, err)
			}
			outsideUnchanged(t, outside, map[string]string{"keep": "k"})
		}
	})

	t.Run("link to a folder inside", func(t *testing.T) {
		// Even a link that stays inside DIR is not followed.
		out := t.TempDir()
		if err := os.Mkdir(filepath.Join(out, "real"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("real", filepath.Join(out, imgDir)); err != nil {
			t.Fatal(err)
		}
		if _, err := Export(context.Background(), DirFS(out), withImages, opt); err == nil {
			t.Error("export through a link inside DIR succeeded")
		}
		if entries, _ := os.ReadDir(filepath.Join(out, "real")); len(entries) != 0 {
			t.Errorf("files written through the link: %v", entries)
		}
	})

	t.Run("device at a document name", func(t *testing.T) {
		// /dev/zero would never end if read.
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero")
		}
		out := t.TempDir()
		if err := os.Symlink("/dev/zero", filepath.Join(out, doc)); err != nil {
			t.Fatal(err)
		}
		sum, _ := Export(context.Background(), DirFS(out), a.Conversations, opt)
		if !slices.Contains(sum.Conflicts, doc) {
			t.Errorf("conflicts %v, want %s", sum.Conflicts, doc)
		}
	})
}
