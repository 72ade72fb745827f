package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/exporter"
	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// recorder is a fake pager, editor or opener: a script that writes its
// arguments, the content and mode of its last argument (a file) and the mode
// of that file's directory into dir, then exits with status code.
func recorder(t *testing.T, dir string, code int) string {
	t.Helper()
	body := `for a; do last="$a"; done
printf '%s\n' "$@" > "` + dir + `/args"
cat "$last" > "` + dir + `/content"
ls -ld "$last" | cut -c1-10 > "` + dir + `/mode"
ls -ld "$(dirname "$last")" | cut -c1-10 > "` + dir + `/dirmode"
if [ ` + string(rune('0'+code)) + ` -ne 0 ]; then echo "no handler for this file" >&2; fi
exit ` + string(rune('0'+code)) + "\n"
	return writeScript(t, t.TempDir(), "fake", body)
}

func readRec(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("the fake program left no %s: %v", name, err)
	}
	return string(b)
}

func conversationMD(t *testing.T, c *model.Conversation) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Markdown(&b, c, render.Options{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPagerAndEditor(t *testing.T) {
	for _, tc := range []struct {
		key, what, mode string
	}{{"o", "pager", "-rw-------"}, {"e", "editor", "-r--------"}} {
		t.Run(tc.what, func(t *testing.T) {
			rec, tmp := t.TempDir(), t.TempDir()
			act := Actions{Local: true, TempDir: tmp}
			line := recorder(t, rec, 0) + "  --flag"
			if tc.key == "o" {
				act.Pager = line
			} else {
				act.Editor = line
			}
			a := testArchive()
			a.Conversations = append(a.Conversations, evilConv())
			m := newActionTest(t, a, act)
			selectConv(t, m, "c-evil")
			press(t, m, tc.key)

			args := strings.Split(strings.TrimSpace(readRec(t, rec, "args")), "\n")
			if len(args) != 2 || args[0] != "--flag" {
				t.Fatalf("args %q: want the flag, then the file", args)
			}
			file := args[1]
			if filepath.Base(file) != convFileName(m.view.conv) || !strings.HasPrefix(file, tmp+string(filepath.Separator)) {
				t.Errorf("file %s: want %s in a directory under %s", file, convFileName(m.view.conv), tmp)
			}
			got := readRec(t, rec, "content")
			if want := conversationMD(t, m.view.conv); got != want {
				t.Errorf("the %s got:\n%q\nwant:\n%q", tc.what, got, want)
			}
			if strings.ContainsAny(got, "\x1b\x07") {
				t.Errorf("the %s got raw escapes: %q", tc.what, got)
			}
			if mode := strings.TrimSpace(readRec(t, rec, "mode")); mode != tc.mode {
				t.Errorf("file mode %s, want %s", mode, tc.mode)
			}
			if mode := strings.TrimSpace(readRec(t, rec, "dirmode")); mode != "drwx------" {
				t.Errorf("directory mode %s, want a private directory", mode)
			}
			if _, err := os.Stat(filepath.Dir(file)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the temporary directory is still there: %v", err)
			}
			if m.act.noticeErr || m.act.notice != "closed the "+tc.what {
				t.Errorf("notice %q", m.act.notice)
			}
		})
	}
}

func TestPagerFailures(t *testing.T) {
	rec := t.TempDir()
	m := newActionTest(t, testArchive(), Actions{Local: true, Editor: recorder(t, rec, 3), Pager: "/no/such/pager -R"})
	press(t, m, "e")
	if !m.act.noticeErr || m.act.notice != "editor exited with status 3" {
		t.Errorf("failing editor: notice %q", m.act.notice)
	}
	press(t, m, "o")
	if !m.act.noticeErr || !strings.Contains(m.act.notice, "pager:") || !strings.Contains(m.act.notice, "/no/such/pager") {
		t.Errorf("missing pager: notice %q", m.act.notice)
	}
	m = newActionTest(t, testArchive(), Actions{Local: true, Pager: "true", TempDir: "/no/such/dir"})
	press(t, m, "o")
	if !m.act.noticeErr || !strings.Contains(m.act.notice, "temporary directory") {
		t.Errorf("unusable temp dir: notice %q", m.act.notice)
	}
}

// TestSaveNamesAsExport: w names its file as export does (one function,
// internal/exporter Stem): the creation date in UTC whatever the viewer's
// zone, and the id's first 8 characters with its '-' kept. (It wrote
// 2026-03-05-…-evil7.md here, export 2026-03-04-…-evil-7.md.)
func TestSaveNamesAsExport(t *testing.T) {
	dir := t.TempDir()
	a := testArchive()
	c := a.Conversations[0]
	c.ID, c.Created = "evil-7", time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC) // 2026-03-05 in Tokyo
	tokyo := time.FixedZone("JST", 9*3600)
	m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: func() time.Time { return testNow.In(tokyo) },
		Actions: Actions{Local: true, Dir: dir}})
	t.Cleanup(m.Close)
	run(t, m, m.Init())
	if m.view.conv != c {
		t.Fatalf("the viewer shows %q", m.view.conv.ID)
	}
	press(t, m, "w")
	want := filepath.Join(dir, "2026-03-04-go-generics-question-evil-7.md")
	if m.act.notice != "wrote "+want {
		t.Fatalf("notice %q, want %q", m.act.notice, "wrote "+want)
	}
	if stems := exporter.FileNames([]*model.Conversation{c}); stems[0]+".md" != filepath.Base(want) {
		t.Errorf("export names it %s.md", stems[0])
	}
}

func TestSaveMarkdownFile(t *testing.T) {
	dir := t.TempDir()
	m := newActionTest(t, testArchive(), Actions{Local: true, Dir: dir})
	c := m.view.conv
	want := filepath.Join(dir, convFileName(c))
	if filepath.Base(want) != "2026-11-26-go-generics-question-c-generi.md" {
		t.Fatalf("file name %s", filepath.Base(want))
	}
	press(t, m, "w")
	if m.act.notice != "wrote "+want {
		t.Fatalf("notice %q, want it to say where", m.act.notice)
	}
	b, err := os.ReadFile(want)
	if err != nil || string(b) != conversationMD(t, c) {
		t.Fatalf("file: %v\n%s", err, b)
	}
	press(t, m, "w") // the same again: no second file
	if m.act.notice != "already saved as "+want {
		t.Errorf("second w: notice %q", m.act.notice)
	}
	// A different file of that name is never overwritten.
	if err := os.WriteFile(want, []byte("my notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(t, m, "w")
	alt := strings.TrimSuffix(want, ".md") + "-1.md"
	if m.act.notice != "wrote "+alt {
		t.Errorf("w over a different file: notice %q, want %s", m.act.notice, alt)
	}
	if b, _ := os.ReadFile(want); string(b) != "my notes" {
		t.Error("w overwrote an existing file")
	}
	if b, _ := os.ReadFile(alt); string(b) != conversationMD(t, c) {
		t.Error("the -1 file does not hold the conversation")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the directory, want 2", len(entries))
	}
	m = newActionTest(t, testArchive(), Actions{Local: true, Dir: filepath.Join(dir, "missing")})
	press(t, m, "w")
	if !m.act.noticeErr || !strings.HasPrefix(m.act.notice, "write: ") {
		t.Errorf("unwritable directory: notice %q", m.act.notice)
	}
}

// pngBytes starts like a PNG file.
var pngBytes = []byte("\x89PNG\r\n\x1a\n not really the rest of a png")

// fakeAssets serves pngBytes for every asset and records what was asked.
func fakeAssets(asked *[]string) func(*model.Conversation, *model.Asset) (io.ReadCloser, error) {
	return func(c *model.Conversation, a *model.Asset) (io.ReadCloser, error) {
		*asked = append(*asked, c.ID+":"+a.File)
		if strings.Contains(a.File, "broken") {
			return nil, errors.New("loader: asset broken: no such entry")
		}
		return io.NopCloser(bytes.NewReader(pngBytes)), nil
	}
}

func TestOpenImage(t *testing.T) {
	rec, tmp := t.TempDir(), t.TempDir()
	var asked []string
	m := newActionTest(t, testArchive(), Actions{Local: true, Display: true, Opener: recorder(t, rec, 0), TempDir: tmp, OpenAsset: fakeAssets(&asked)})
	selectConv(t, m, "c-image")
	press(t, m, "i")
	if len(asked) != 1 || asked[0] != "c-image:file-abc-cat.webp" {
		t.Fatalf("asked for %q", asked)
	}
	// The content is a PNG: the extension follows the content.
	if m.act.noticeErr || m.act.notice != "opened file-abc-cat.png in the image viewer" {
		t.Errorf("notice %q", m.act.notice)
	}
	path := strings.TrimSpace(readRec(t, rec, "args"))
	if filepath.Base(path) != "file-abc-cat.png" || !strings.HasPrefix(path, tmp) || readRec(t, rec, "content") != string(pngBytes) {
		t.Errorf("the opener got %s", path)
	}
	m.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("closing the browser should remove the extracted image: %v", err)
	}

	// No display: the path is shown instead.
	m = newActionTest(t, testArchive(), Actions{Local: true, Opener: "xdg-open", TempDir: tmp, OpenAsset: fakeAssets(&asked)})
	selectConv(t, m, "c-image")
	press(t, m, "i")
	p, ok := strings.CutPrefix(m.act.notice, "no display: image extracted to ")
	if !ok || !strings.Contains(screen(m), "no display: image extracted to") {
		t.Fatalf("notice %q", m.act.notice)
	}
	if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, pngBytes) {
		t.Errorf("extracted file %s: %v", p, err)
	}

	// A failing opener: its error and the path are shown.
	m = newActionTest(t, testArchive(), Actions{Local: true, Display: true, Opener: recorder(t, rec, 4), TempDir: tmp, OpenAsset: fakeAssets(&asked)})
	selectConv(t, m, "c-image")
	press(t, m, "i")
	if !m.act.noticeErr || !strings.Contains(m.act.notice, "exit status 4: no handler for this file; the image is at "+tmp) {
		t.Errorf("failing opener: notice %q", m.act.notice)
	}
	// No image in view.
	selectConv(t, m, "c-generics")
	press(t, m, "i")
	if m.act.notice != "open image: no image in view" {
		t.Errorf("no image: notice %q", m.act.notice)
	}
}

func TestOpenImagePicker(t *testing.T) {
	rec, tmp := t.TempDir(), t.TempDir()
	a := testArchive()
	imgs := buildConv("c-imgs", "Plots", testNow.Add(-time.Minute),
		tm{role: model.RoleUser, text: "plot twice"},
		tm{role: model.RoleTool, author: "python", blocks: []model.Block{
			{Kind: model.BlockExecOutput, Text: "ok", Extra: &model.BlockExtra{Images: []model.Asset{{File: "first.png"}, {File: "broken.png"}}}},
			{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://gone", Missing: true}}},
		}},
	)
	a.Conversations = append([]*model.Conversation{imgs}, a.Conversations...)
	var asked []string
	m := newActionTest(t, a, Actions{Local: true, Display: true, Opener: recorder(t, rec, 0), TempDir: tmp, OpenAsset: fakeAssets(&asked)})
	press(t, m, "i")
	if m.picker == nil || len(m.picker.items) != 3 || !strings.Contains(screen(m), "Open which image?") {
		t.Fatalf("want a picker of 3 images:\n%s", screen(m))
	}
	press(t, m, "enter")
	if len(asked) != 1 || asked[0] != "c-imgs:first.png" || m.act.notice != "opened first.png in the image viewer" {
		t.Errorf("first: asked %q, notice %q", asked, m.act.notice)
	}
	press(t, m, "i", "j", "enter")
	if !m.act.noticeErr || !strings.Contains(m.act.notice, "no such entry") {
		t.Errorf("broken: notice %q", m.act.notice)
	}
	press(t, m, "i", "3")
	if !m.act.noticeErr || !strings.Contains(m.act.notice, "is not in the export") || len(asked) != 2 {
		t.Errorf("missing: notice %q, asked %q", m.act.notice, asked)
	}
	m = newActionTest(t, a, Actions{Local: true})
	press(t, m, "i")
	if !m.act.noticeErr || !strings.Contains(m.act.notice, "cannot be read") {
		t.Errorf("no OpenAsset: notice %q", m.act.notice)
	}
}

func TestAssetFileName(t *testing.T) {
	for _, tc := range []struct{ file, head, want string }{
		{"file-abc.webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", "file-abc.webp"},
		{"dir/file-abc.dat", "\xff\xd8\xff\xe0", "file-abc.jpg"},
		{"photo.JPEG", "\xff\xd8\xff\xe0", "photo.JPEG"},
		{"../../.bashrc", "GIF89a", "bashrc.gif"},
		{"a b;rm -rf ~.png", "", "a_b_rm_-rf__.png"},
		{"", "", "image"},
		{"x." + strings.Repeat("y", 60), "", "x." + strings.Repeat("y", 38)},
		{"noext", "\x89PNG\r\n\x1a\n", "noext.png"},
		{"dalle-generations/file-Fx4kR2Lb8NqW1cVz7TmYhD-5b1f0a4e-8c2d-4e71-9a3b-6d2f1c7e9a10.png", "", "file-Fx4kR2Lb8NqW1cVz7TmYhD-5b1f0a4e.png"},
	} {
		if got := assetFileName(tc.file, []byte(tc.head)); got != tc.want {
			t.Errorf("assetFileName(%q): got %q, want %q", tc.file, got, tc.want)
		}
	}
}

// TestPagerThroughRun drives the real program (tea.ExecProcess and all)
// over a pipe: o runs the fake pager with the terminal handed over, and the
// browser takes its keys back afterwards.
func TestPagerThroughRun(t *testing.T) {
	rec := t.TempDir()
	pager := recorder(t, rec, 0)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	a := testArchive()
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- Run(ctx, Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow,
			Actions: Actions{Local: true, Pager: pager, TempDir: t.TempDir()}}, r, &out)
	}()
	time.Sleep(300 * time.Millisecond)
	if _, err := w.WriteString("o"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(rec, "dirmode")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pager did not run")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the browser takes the terminal back
	if _, err := w.WriteString("q"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the browser did not quit after the pager")
	}
	w.Close()
	if got, want := readRec(t, rec, "content"), conversationMD(t, a.Conversations[0]); got != want {
		t.Errorf("the pager got:\n%q\nwant:\n%q", got, want)
	}
}

func TestSaveFollowsTheViewersBranch(t *testing.T) {
	dir := t.TempDir()
	m := newActionTest(t, testArchive(), Actions{Local: true, Dir: dir})
	selectConv(t, m, "c-branch")
	press(t, m, "tab", "]")
	if !strings.Contains(screen(m), "Alternative answer") {
		t.Fatalf("] should show the other branch:\n%s", screen(m))
	}
	press(t, m, "w")
	b, err := os.ReadFile(filepath.Join(dir, convFileName(m.view.conv)))
	if err != nil {
		t.Fatalf("%v (notice %q)", err, m.act.notice)
	}
	if s := string(b); !strings.Contains(s, "Alternative answer") || strings.Contains(s, "First answer") {
		t.Errorf("the file should hold the branch in view:\n%s", s)
	}
}
