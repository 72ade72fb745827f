package demo

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

type node struct {
	Message *struct {
		Author struct {
			Role string `json:"role"`
		} `json:"author"`
		Content  json.RawMessage `json:"content"`
		Metadata struct {
			AggregateResult *struct {
				Messages []struct {
					ImageURL string `json:"image_url"`
				} `json:"messages"`
			} `json:"aggregate_result"`
		} `json:"metadata"`
	} `json:"message"`
	Parent   *string  `json:"parent"`
	Children []string `json:"children"`
}

type conv struct {
	Title       *string         `json:"title"`
	Mapping     map[string]node `json:"mapping"`
	CurrentNode string          `json:"current_node"`
	GizmoID     *string         `json:"gizmo_id"`
	IsArchived  bool            `json:"is_archived"`
	IsStarred   *bool           `json:"is_starred"`
	Voice       *string         `json:"voice"`
	ID          string          `json:"id"`
}

func load(t *testing.T) []conv {
	t.Helper()
	var cs []conv
	if err := json.Unmarshal(Bytes(), &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestDemoCoversTheFeatures(t *testing.T) {
	cs := load(t)
	if len(cs) < 30 {
		t.Fatalf("%d conversations, want >= 30", len(cs))
	}
	types := map[string]bool{}
	var nullTitle, japanese, escapes, gizmo, archived, starred, voice, threeWay bool
	for _, c := range cs {
		if _, ok := c.Mapping[c.CurrentNode]; !ok {
			t.Errorf("%s: current_node missing", c.ID)
		}
		switch {
		case c.Title == nil:
			nullTitle = true
		case strings.ContainsRune(*c.Title, '東'):
			japanese = true
		case strings.Contains(*c.Title, "\x1b]52;") && strings.Contains(*c.Title, "\x1b[2J"):
			escapes = true
		}
		gizmo = gizmo || (c.GizmoID != nil && strings.HasPrefix(*c.GizmoID, "g-"))
		archived = archived || c.IsArchived
		starred = starred || (c.IsStarred != nil && *c.IsStarred)
		voice = voice || c.Voice != nil
		for _, n := range c.Mapping {
			if len(n.Children) == 3 {
				threeWay = true
			}
			if n.Message == nil {
				continue
			}
			var ct struct {
				Type  string            `json:"content_type"`
				Parts []json.RawMessage `json:"parts"`
			}
			if err := json.Unmarshal(n.Message.Content, &ct); err != nil {
				t.Fatal(err)
			}
			types[ct.Type] = true
			for _, p := range ct.Parts {
				var part struct {
					Type string `json:"content_type"`
				}
				if json.Unmarshal(p, &part) == nil && part.Type != "" {
					types[part.Type] = true
				}
			}
		}
	}
	for _, want := range []string{"text", "multimodal_text", "code", "execution_output", "thoughts", "reasoning_recap",
		"user_editable_context", "model_editable_context", "system_error", "tether_browsing_display", "tether_quote",
		"image_asset_pointer", "audio_transcription", "audio_asset_pointer", "real_time_user_audio_video_asset_pointer",
		"interactive_timeline"} {
		if !types[want] {
			t.Errorf("no %s in the demo", want)
		}
	}
	for name, ok := range map[string]bool{"null title": nullTitle, "Japanese title": japanese, "escape title": escapes,
		"custom GPT": gizmo, "archived": archived, "starred": starred, "voice": voice, "3-way regeneration": threeWay} {
		if !ok {
			t.Errorf("demo lacks a %s conversation", name)
		}
	}
	if !bytes.Contains(Bytes(), []byte(`\ue200cite\ue202turn0search`)) || !bytes.Contains(Bytes(), []byte("canmore.create_textdoc")) {
		t.Error("demo lacks search citations or a canvas")
	}
}

// TestDemoAssetsResolve checks every asset pointer names a file of FS the
// way the loader resolves them (id prefix in the root, dalle-generations/,
// user-*/ and <conversation>/audio/), and that every PNG decodes.
func TestDemoAssetsResolve(t *testing.T) {
	var files []string
	err := fs.WalkDir(FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	re := []string{`file-service://`, `sediment://`}
	data := string(Bytes())
	n := 0
	for _, scheme := range re {
		for rest := data; ; {
			i := strings.Index(rest, scheme)
			if i < 0 {
				break
			}
			rest = rest[i+len(scheme):]
			id := rest[:strings.IndexByte(rest, '"')]
			n++
			found := false
			for _, f := range files {
				if strings.HasPrefix(path.Base(f), id+"-") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s%s resolves to no file", scheme, id)
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d asset pointers", n)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".png") {
			b, _ := fs.ReadFile(FS(), f)
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
}

func TestDir(t *testing.T) {
	dir, cleanup, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, Name))
	if err != nil || !bytes.Equal(got, Bytes()) {
		t.Fatalf("Dir copy differs: %v", err)
	}
	cleanup()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cleanup left %s", dir)
	}
}

func TestPythonStyle(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	cmd := exec.Command(py, "-c", "import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.buffer.read())))")
	cmd.Stdin = bytes.NewReader(Bytes())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, Bytes()) {
		t.Error("demo conversations.json is not byte-identical to Python's json.dumps of itself")
	}
}

// TestGenerateUpToDate regenerates the export and compares it with the
// embedded one, so content edits cannot be forgotten.
func TestGenerateUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "github.com/backchat/backchat/cmd/backchat-demogen", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	err := fs.WalkDir(FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		want, _ := fs.ReadFile(FS(), p)
		got, err := os.ReadFile(filepath.Join(out, p))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale (run go generate ./internal/demo)", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
