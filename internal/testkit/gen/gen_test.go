package gen

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os/exec"
	"strings"
	"testing"
)

func write(t *testing.T, cfg Config) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Write(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != int64(buf.Len()) {
		t.Fatalf("Stats.Bytes = %d, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

type wireNode struct {
	ID       string          `json:"id"`
	Message  json.RawMessage `json:"message"`
	Parent   *string         `json:"parent"`
	Children []string        `json:"children"`
}

type wireConv struct {
	Title       *string             `json:"title"`
	CreateTime  float64             `json:"create_time"`
	UpdateTime  float64             `json:"update_time"`
	Mapping     map[string]wireNode `json:"mapping"`
	CurrentNode string              `json:"current_node"`
	ID          string              `json:"id"`
}

func TestWriteParsesAndCounts(t *testing.T) {
	data, st := write(t, Config{Seed: 3, Conversations: 60})
	if bytes.ContainsAny(data, "\n") {
		t.Error("output is not on one line")
	}
	var convs []wireConv
	if err := json.Unmarshal(data, &convs); err != nil {
		t.Fatal(err)
	}
	if len(convs) != 60 || st.Conversations != 60 {
		t.Fatalf("got %d conversations, Stats says %d", len(convs), st.Conversations)
	}
	msgs, nodes, branches := 0, 0, 0
	types := map[string]int{}
	for i, c := range convs {
		nodes += len(c.Mapping)
		roots := 0
		for key, n := range c.Mapping {
			if key != n.ID {
				t.Errorf("conv %d: node key %s != id %s", i, key, n.ID)
			}
			if len(n.Children) > 1 {
				branches++
			}
			if n.Parent == nil {
				roots++
				if string(n.Message) != "null" {
					t.Errorf("conv %d: root has a message", i)
				}
				continue
			}
			if _, ok := c.Mapping[*n.Parent]; !ok {
				t.Errorf("conv %d: dangling parent", i)
			}
			msgs++
			var m struct {
				Content struct {
					Type string `json:"content_type"`
				} `json:"content"`
			}
			if err := json.Unmarshal(n.Message, &m); err != nil {
				t.Fatal(err)
			}
			types[m.Content.Type]++
		}
		if roots != 1 {
			t.Errorf("conv %d: %d roots", i, roots)
		}
		if _, ok := c.Mapping[c.CurrentNode]; !ok {
			t.Errorf("conv %d: current_node %q not in mapping", i, c.CurrentNode)
		}
		if c.UpdateTime < c.CreateTime || c.CreateTime > float64(DefaultNow.Unix()) {
			t.Errorf("conv %d: bad times %f %f", i, c.CreateTime, c.UpdateTime)
		}
	}
	if msgs != st.Messages || nodes != st.Nodes || branches != st.BranchPoints {
		t.Errorf("counted msgs/nodes/branches %d/%d/%d, Stats %d/%d/%d", msgs, nodes, branches, st.Messages, st.Nodes, st.BranchPoints)
	}
	if branches == 0 {
		t.Error("no branch points in 60 conversations")
	}
	for _, want := range []string{"text", "multimodal_text", "code", "thoughts", "reasoning_recap", "user_editable_context"} {
		if types[want] == 0 {
			t.Errorf("no %s content in 60 conversations (saw %v)", want, types)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := write(t, Config{Seed: 9, Conversations: 25})
	b, _ := write(t, Config{Seed: 9, Conversations: 25})
	c, _ := write(t, Config{Seed: 10, Conversations: 25})
	if !bytes.Equal(a, b) {
		t.Error("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds, same bytes")
	}
}

func TestNeedles(t *testing.T) {
	data, _ := write(t, Config{Seed: 5, Conversations: 40})
	var convs []json.RawMessage
	if err := json.Unmarshal(data, &convs); err != nil {
		t.Fatal(err)
	}
	for i := range convs {
		needle := fmt.Sprintf("needle%06dzq", i)
		if n := bytes.Count(data, []byte(needle)); n != 1 {
			t.Errorf("%s occurs %d times in the file", needle, n)
		}
		if !bytes.Contains(convs[i], []byte(needle)) {
			t.Errorf("%s not in conversation %d", needle, i)
		}
	}
	if !bytes.Contains(data, []byte("kubernetes cluster")) {
		t.Error("common phrase missing")
	}
}

func TestTargetBytes(t *testing.T) {
	for _, target := range []int64{200_000, 3_000_000, 30_000_000} {
		data, st := write(t, Config{Seed: 1, TargetBytes: target})
		if d := float64(len(data)-int(target)) / float64(target); d < -0.02 || d > 0.02 {
			t.Errorf("target %d: wrote %d (%.2f%%)", target, len(data), 100*d)
		}
		if !json.Valid(data) {
			t.Errorf("target %d: invalid JSON", target)
		}
		if st.Conversations == 0 {
			t.Errorf("target %d: no conversations", target)
		}
	}
}

var tricky = []string{
	"", "plain", `quote " backslash \ slash /`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f",
	"<html> & 'apos'", "é à ü ß ç Ω", "日本語テキスト", "emoji 😀 🇫🇷 👩‍👩‍👧", "\u2028\u2029",
	"\ue200cite\ue202turn0search1\ue201", "\U0010FFFF", "\uFEFFbom", "\u001b]52;c;aGVsbG8=\u0007\u001b[2J\u009b",
	strings.Repeat("long ascii run ", 20) + "é",
}

func TestPythonEscaping(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	vals := make([]any, 0, len(tricky)+8)
	for _, s := range tricky {
		vals = append(vals, s)
	}
	vals = append(vals, 1.0, 0.0, 1749687799.500102, 1e-05, 1.5e16, 123456789012.25, -0.5, int64(42), true, nil, Obj{{"b", 1}, {"a", []any{}}})
	ours := Marshal(vals)
	// Round-trip through Python: json.dumps(json.loads(x)) must give x back.
	cmd := exec.Command(py, "-c", "import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))")
	cmd.Stdin = bytes.NewReader(ours)
	got, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, ours) {
		t.Errorf("python:\n%s\nours:\n%s", got, ours)
	}
	// And a whole generated export.
	data, _ := write(t, Config{Seed: 2, Conversations: 20})
	cmd = exec.Command(py, "-c", "import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.buffer.read())))")
	cmd.Stdin = bytes.NewReader(data)
	got, err = cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		i := 0
		for i < len(got) && i < len(data) && got[i] == data[i] {
			i++
		}
		t.Errorf("export differs from Python's re-encoding at byte %d: %q vs %q", i, got[max(0, i-40):min(len(got), i+40)], data[max(0, i-40):min(len(data), i+40)])
	}
}

func TestEscapingDecodes(t *testing.T) {
	for _, s := range tricky {
		enc := AppendString(nil, s)
		for _, c := range enc {
			if c >= 0x80 || (c < 0x20) {
				t.Errorf("%q: raw byte %#x in output", s, c)
			}
		}
		var back string
		if err := json.Unmarshal(enc, &back); err != nil || back != s {
			t.Errorf("%q → %s → %q (%v)", s, enc, back, err)
		}
	}
	if got := string(AppendString(nil, "a\xffb")); got != `"a\ufffdb"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}

func TestAppendFloat(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 0: "0.0", 1e-05: "1e-05", 1e16: "1e+16", 0.0001: "0.0001",
		1749687799.500102: "1749687799.500102", -2.5: "-2.5", 1e15: "1000000000000000.0"} {
		if got := string(AppendFloat(nil, f)); got != want {
			t.Errorf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestWriteZip(t *testing.T) {
	var buf bytes.Buffer
	st, err := WriteZip(&buf, Config{Seed: 4, Conversations: 50}, 2)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	convs, pngs := 0, 0
	for _, f := range zr.File {
		names[f.Name] = true
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		if _, err := body.ReadFrom(rc); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		rc.Close()
		switch {
		case strings.HasPrefix(f.Name, "conversations-"):
			var arr []json.RawMessage
			if err := json.Unmarshal(body.Bytes(), &arr); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			convs += len(arr)
		case strings.HasSuffix(f.Name, ".png"):
			if _, err := png.Decode(&body); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
			pngs++
		}
	}
	for _, n := range []string{"conversations-000.json", "conversations-001.json", "chat.html", "user.json"} {
		if !names[n] {
			t.Errorf("missing %s", n)
		}
	}
	if names["conversations.json"] {
		t.Error("sharded export also has conversations.json")
	}
	if convs != 50 || st.Conversations != 50 {
		t.Errorf("conversations: %d in shards, Stats %d", convs, st.Conversations)
	}
	if pngs == 0 || st.Assets == 0 {
		t.Errorf("no images (pngs %d, Stats.Assets %d)", pngs, st.Assets)
	}
}

// TestLongShape checks the long shape's profile: ~18,000 conversations per
// GB (a band, measured on 20 MB), far fewer per MB than the short shape,
// big code blocks, still deterministic and valid, needles intact.
func TestLongShape(t *testing.T) {
	const target = 20_000_000
	data, st := write(t, Config{Seed: 1, TargetBytes: target, Shape: ShapeLong})
	if !json.Valid(data) {
		t.Fatal("invalid JSON")
	}
	perGB := float64(st.Conversations) * 1e9 / float64(len(data))
	if perGB < 15_000 || perGB > 21_000 {
		t.Errorf("long shape: %d conversations in %d bytes = %.0f per GB, want ~18,000", st.Conversations, len(data), perGB)
	}
	_, short := write(t, Config{Seed: 1, TargetBytes: target})
	if short.Conversations < 2*st.Conversations {
		t.Errorf("short shape has %d conversations, long %d: want at least twice as many", short.Conversations, st.Conversations)
	}
	// Big code blocks: fenced blocks of at least 40 lines.
	var convs []wireConv
	if err := json.Unmarshal(data, &convs); err != nil {
		t.Fatal(err)
	}
	big, withBig := 0, 0
	for _, c := range convs {
		found := false
		for _, n := range c.Mapping {
			var m struct {
				Content struct {
					Parts []any `json:"parts"`
				} `json:"content"`
			}
			if err := json.Unmarshal(n.Message, &m); err != nil {
				t.Fatal(err)
			}
			for _, p := range m.Content.Parts {
				s, _ := p.(string)
				blocks := strings.Split(s, "```")
				for k := 1; k < len(blocks); k += 2 {
					if strings.Count(blocks[k], "\n") >= 40 {
						big++
						found = true
					}
				}
			}
		}
		if found {
			withBig++
		}
	}
	// The costly case of a phrase query: most conversations hold both of
	// its words, few the phrase.
	both, phrase := 0, 0
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, c := range raw {
		l := bytes.ToLower(c)
		if bytes.Contains(l, []byte("kubernetes")) && bytes.Contains(l, []byte("cluster")) {
			both++
		}
		if bytes.Contains(l, []byte("kubernetes cluster")) {
			phrase++
		}
	}
	if both < len(raw)*3/4 || phrase > len(raw)/4 || phrase == 0 {
		t.Errorf("of %d conversations %d hold both words of \"kubernetes cluster\", %d the phrase: want most and few", len(raw), both, phrase)
	}
	if withBig < len(convs)/2 {
		t.Errorf("only %d of %d conversations have a code block of 40+ lines (%d blocks)", withBig, len(convs), big)
	}
	for _, i := range []int{0, len(convs) / 2, len(convs) - 1} {
		needle := fmt.Sprintf("needle%06dzq", i)
		if n := bytes.Count(data, []byte(needle)); n != 1 {
			t.Errorf("%s occurs %d times", needle, n)
		}
	}
	again, _ := write(t, Config{Seed: 1, TargetBytes: target, Shape: ShapeLong})
	if !bytes.Equal(data, again) {
		t.Error("same seed and shape, different bytes")
	}
	if _, err := ParseShape("wide"); err == nil {
		t.Error("ParseShape accepted an unknown shape")
	}
}
