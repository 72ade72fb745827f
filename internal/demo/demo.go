// Package demo embeds a small, hand-written ChatGPT export (31 conversations
// with images, audio and a CSV) that backchat opens when a user has no export
// yet, and that tests and screenshots use. It is folder-shaped like a real
// export: conversations.json plus user.json, chat.html and asset files under
// the names the asset pointers resolve to.
//
// The export is written by cmd/backchat-demogen from the content in its
// content*.go:
//
//	go generate ./internal/demo
//
// Times are relative to Reference (2026-11-20 18:00 UTC): two conversations
// that day, two the day before, then the previous 7 and 30 days, then months
// back to May 2025. The times in the files are never shifted: to make the
// date groups (Today, Yesterday, …) read as intended on any day, a browser
// of the demo sets its clock to start at Reference (cmd/backchat's
// browser.go does).
package demo

//go:generate go run github.com/backchat/backchat/cmd/backchat-demogen -out export

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Reference is the "now" the demo's times were written against.
var Reference = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

//go:embed export
var export embed.FS

// Name is the file name of the conversations file inside FS and Dir.
const Name = "conversations.json"

// Bytes returns the demo's conversations.json (a fresh copy each call).
func Bytes() []byte {
	b, err := export.ReadFile("export/" + Name)
	if err != nil {
		panic("demo: embedded export is missing conversations.json: " + err.Error())
	}
	return b
}

// FS returns the demo export as a read-only file system rooted at the
// export folder: conversations.json, user.json, chat.html, the asset files.
func FS() fs.FS {
	sub, err := fs.Sub(export, "export")
	if err != nil {
		panic("demo: " + err.Error()) // only on an invalid constant path
	}
	return sub
}

// Dir writes the demo export into a new temporary folder and returns its
// path, for code that needs a real path (the loader accepts folders). Call
// cleanup to remove the folder.
func Dir() (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "backchat-demo-")
	if err != nil {
		return "", nil, fmt.Errorf("demo: %w", err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	err = fs.WalkDir(FS(), ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(FS(), path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("demo: writing %s: %w", dir, err)
	}
	return dir, cleanup, nil
}
