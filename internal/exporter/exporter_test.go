package exporter

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// loadDemo loads the demo export (real PNGs, resolving pointers).
func loadDemo(t *testing.T) *model.Archive {
	t.Helper()
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	a, err := loader.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestIdempotentAndForce(t *testing.T) {
	a := loadDemo(t)
	for _, f := range []Format{Markdown, HTML, JSON} {
		t.Run(string(f), func(t *testing.T) {
			out := t.TempDir()
			dst := DirFS(out)
			opt := Options{Format: f, OpenAsset: loader.OpenAsset}
			first, err := Export(context.Background(), dst, a.Conversations, opt)
			if err != nil {
				t.Fatal(err)
			}
			n := len(a.Conversations)
			if first.Written != n || first.Unchanged != 0 || len(first.Conflicts) != 0 {
				t.Fatalf("first run: %+v", first)
			}
			if f != JSON && first.Images == 0 {
				t.Errorf("no image copied: %+v", first)
			}
			snap := snapshot(t, out)

			second, err := Export(context.Background(), dst, a.Conversations, opt)
			if err != nil {
				t.Fatal(err)
			}
			if second.Written != 0 || second.Unchanged != n || second.Images != 0 || second.ImagesSame != first.Images {
				t.Errorf("second run rewrote files: %+v", second)
			}
			if !maps(snap, snapshot(t, out)) {
				t.Errorf("second run changed the folder")
			}

			// A file edited by hand is a conflict: left alone, reported,
			// everything else still handled.
			names := slices.Sorted(mapsKeys(snap))
			var doc string
			for _, name := range names {
				if strings.HasSuffix(name, "."+f.Ext()) {
					doc = name
					break
				}
			}
			edited := []byte("my own notes\n")
			if err := os.WriteFile(filepath.Join(out, doc), edited, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(out, names[len(names)-1])); err != nil {
				t.Fatal(err)
			}
			third, err := Export(context.Background(), dst, a.Conversations, opt)
			if !errors.Is(err, ErrConflicts) {
				t.Errorf("want ErrConflicts, got %v", err)
			}
			if !slices.Equal(third.Conflicts, []string{doc}) || third.Written+third.Images != 1 {
				t.Errorf("third run: %+v", third)
			}
			if got, _ := os.ReadFile(filepath.Join(out, doc)); !bytes.Equal(got, edited) {
				t.Errorf("conflicting file overwritten without Force")
			}

			opt.Force = true
			fourth, err := Export(context.Background(), dst, a.Conversations, opt)
			if err != nil || fourth.Written != 1 || len(fourth.Conflicts) != 0 {
				t.Errorf("forced run: %+v, %v", fourth, err)
			}
			if !maps(snap, snapshot(t, out)) {
				t.Errorf("forced run did not restore the folder")
			}
		})
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var (
	mdImage   = regexp.MustCompile(`!\[[^\]]*\]\(<([^>]+)>\)`)
	htmlImage = regexp.MustCompile(`<img src="([^"]+)"`)
)

// TestImagesCopiedAndLinked checks every image link of every document
// points at a copied file whose bytes are the export's.
func TestImagesCopiedAndLinked(t *testing.T) {
	a := loadDemo(t)
	for _, f := range []Format{Markdown, HTML} {
		out := t.TempDir()
		sum, err := Export(context.Background(), DirFS(out), a.Conversations, Options{Format: f, OpenAsset: loader.OpenAsset})
		if err != nil {
			t.Fatal(err)
		}
		// Every image a document shows, by the export's file.
		want := map[string]bool{}
		for _, c := range a.Conversations {
			for _, as := range shownImages(c) {
				if !as.Missing && as.File != "" {
					rc, err := loader.OpenAsset(c, as)
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(rc)
					rc.Close()
					want[string(b)] = true
				}
			}
		}
		links := 0
		re := mdImage
		if f == HTML {
			re = htmlImage
		}
		for name, body := range snapshot(t, out) {
			if !strings.HasSuffix(name, "."+f.Ext()) {
				continue
			}
			for _, m := range re.FindAllStringSubmatch(body, -1) {
				links++
				if strings.Contains(m[1], "..") || filepath.IsAbs(m[1]) {
					t.Errorf("%s: link %q is not relative to the document", name, m[1])
				}
				b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(m[1])))
				if err != nil {
					t.Errorf("%s: linked image: %v", name, err)
					continue
				}
				if !want[string(b)] {
					t.Errorf("%s: %s is not an image of the export", name, m[1])
				}
				if !bytes.HasPrefix(b, []byte("\x89PNG")) {
					t.Errorf("%s: %s is not a PNG", name, m[1])
				}
			}
		}
		if links == 0 || sum.Images != len(want) || sum.MissingImages != 0 {
			t.Errorf("%s: %d links, summary %+v, %d distinct images", f, links, sum, len(want))
		}
	}
}

// hostile is a conversation whose every string tries something.
func hostile() *model.Conversation {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	c := &model.Conversation{
		ID: "h-1\x1b[2J", Title: "<script>alert(1)</script>\n---\ntitle: \"x\" \x1b]52;c;aGk=\x07",
		Created: at, Updated: at, Model: "gpt-4o\"\nevil: true",
		Sources: []string{"old\".zip"}, InNewest: false,
		Nodes: []model.Node{model.Node{Key: "r", Parent: model.NoNode}.WithChildren([]int32{1})},
	}
	c.Nodes = append(c.Nodes, model.Node{Key: "u", Parent: 0, Msg: msgkit.With(msgkit.With(&model.Message{
		Blocks: []model.Block{
			{Kind: model.BlockText, Text: "hi <img src=x onerror=alert(1)> [link](javascript:alert(1)) ![pixel](https://tracker.example/p.gif) \x1b[31mred\u009b"},
			{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "file-service://gone", Missing: true, Name: "a<b>.png"}}},
		}}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{Time: at})}.WithChildren([]int32{2}))
	c.Nodes = append(c.Nodes, model.Node{Key: "a", Parent: 1, Msg: msgkit.With(msgkit.With(&model.Message{
		Blocks: []model.Block{
			{Kind: model.BlockText, Text: "See [1].\n\n```\nx[1] = 2 </pre><script>\n```"},
			model.Block{Kind: model.BlockCode, Text: "fmt.Println(\"</pre><script>alert(1)</script>\")"}.WithLang("go"),
		},
		Extra: &model.MessageExtra{References: []model.Reference{{N: 1, Title: "T<i>", URL: "javascript:alert(1)"}}},
	}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Time: at})})
	c.Current = 2
	return c
}

func TestHostileContent(t *testing.T) {
	c := hostile()
	for _, f := range []Format{Markdown, HTML, JSON} {
		dst := newMemFS()
		if _, err := Export(context.Background(), dst, []*model.Conversation{c}, Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		if len(dst.files) != 1 {
			t.Fatalf("%s: files %v", f, dst.files)
		}
		for name, body := range dst.files {
			s := string(body)
			if ch, bad := rawControl(s); bad {
				t.Errorf("%s: raw control %U", name, ch)
			}
			if strings.ContainsAny(name, "<>\"/\\ \x1b") {
				t.Errorf("unsafe file name %q", name)
			}
			switch f {
			case HTML:
				for _, bad := range []string{"<script", "onerror=", `href="javascript`, "<i>", "<img src=\"https"} {
					if strings.Contains(s, bad) {
						t.Errorf("html contains %q", bad)
					}
				}
				if !strings.Contains(s, `<a href="https://tracker.example/p.gif">[image: pixel]</a>`) {
					t.Errorf("remote image not turned into a link")
				}
				if !strings.Contains(s, "Not in newest export") {
					t.Errorf("html lacks the not-in-newest note")
				}
			case Markdown:
				fm := s[:strings.Index(s[4:], "\n---\n")+8]
				if strings.Count(fm, "\n") != 11 || strings.Contains(fm, "\nevil:") {
					t.Errorf("front matter broken out of:\n%s", fm)
				}
				if !strings.Contains(fm, "in_newest: false") {
					t.Errorf("front matter lacks in_newest: false:\n%s", fm)
				}
				if !strings.Contains(s, "See [^1].") || !strings.Contains(s, "x[1] = 2") || !strings.Contains(s, "[^1]: T\\<i\\> — javascript:alert(1)") {
					t.Errorf("footnotes:\n%s", s)
				}
				if !strings.Contains(s, "image missing: file-service://gone") {
					t.Errorf("missing image not noted:\n%s", s)
				}
			}
		}
	}
}
