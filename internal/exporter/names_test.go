package exporter

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

func TestSlug(t *testing.T) {
	long := strings.Repeat("日本語", 30) // 9 bytes a repeat: a cut must land on a rune boundary
	cases := map[string]string{
		"Kubernetes Cluster Notes":            "kubernetes-cluster-notes",
		"  --Hello,   World!!  ":              "hello-world",
		"a/b\\c:d*e?f\"g<h>i|j":               "a-b-c-d-e-f-g-h-i-j",
		"../../etc/passwd":                    "etc-passwd",
		"evil \x1b]52;c;aGk=\x07title\x1b[2J": "evil-52-c-agk-title-2j",
		"Café crème — Ünïcödé":                "café-crème-ünïcödé",
		"Cafe\u0301":                          "cafe\u0301",
		"Привет мир":                          "привет-мир",
		"中文标题":                                "中文标题",
		"😀🎉":                                  "untitled",
		"":                                    "untitled",
		"\u202eRTL override":                  "rtl-override",
	}
	for in, want := range cases {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	got := Slug(long)
	if len(got) > maxSlug || !utf8.ValidString(got) || !strings.HasPrefix(long, got) || len(got) < maxSlug-8 {
		t.Errorf("long slug %q (%d bytes)", got, len(got))
	}
	words := Slug(strings.Repeat("word ", 40))
	if len(words) > maxSlug || strings.HasSuffix(words, "-") {
		t.Errorf("cut slug %q", words)
	}
}

func TestID8(t *testing.T) {
	cases := map[string]string{
		"6836a1f2-1b2c-8000-9d3e-0123456789ab": "6836a1f2",
		"ab/../cd\x00ef!gh":                    "abcdefgh",
		"é-1":                                  "-1",
		"":                                     "noid",
		"///":                                  "noid",
	}
	for in, want := range cases {
		if got := ID8(in); got != want {
			t.Errorf("ID8(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileNamesStableAndUnique(t *testing.T) {
	day := time.Date(2025, 6, 1, 23, 30, 0, 0, time.FixedZone("x", -5*3600)) // 2025-06-02 in UTC
	mk := func(id, title string) *model.Conversation {
		return &model.Conversation{ID: id, Title: title, Created: day}
	}
	convs := []*model.Conversation{
		mk("abcdefgh-2", "Same"),
		mk("abcdefgh-1", "Same"),
		mk("zzz", "Other / title"),
		mk("", "No id"),
		{ID: "undated1", Title: "Undated"},
		mk("abcdefgh-3", "SAME"),
	}
	got := FileNames(convs)
	want := []string{
		"2025-06-02-same-abcdefgh-2",
		"2025-06-02-same-abcdefgh",
		"2025-06-02-other-title-zzz",
		"2025-06-02-no-id-noid",
		"undated-undated-undated1",
		"2025-06-02-same-abcdefgh-3",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("name %d = %q, want %q", i, got[i], want[i])
		}
	}
	// Order of the input does not change a name.
	rev := []*model.Conversation{convs[5], convs[4], convs[3], convs[2], convs[1], convs[0]}
	again := FileNames(rev)
	for i := range rev {
		if again[i] != got[len(rev)-1-i] {
			t.Errorf("reordered: %q vs %q", again[i], got[len(rev)-1-i])
		}
	}
}

func TestAssetName(t *testing.T) {
	cases := map[string]string{
		"file-abc-IMG 1.png":              "file-abc-IMG_1.png",
		"dalle-generations/x.webp":        "x.webp",
		"../../.hidden":                   "hidden",
		"a\\b\\c.png":                     "c.png",
		"user-1/file_00-ünï.jpg":          "file_00-ünï.jpg",
		"":                                "asset",
		strings.Repeat("x", 300) + ".png": strings.Repeat("x", 96) + ".png",
	}
	for in, want := range cases {
		if got := assetName(&model.Asset{File: in}); got != want {
			t.Errorf("assetName(%q) = %q, want %q", in, got, want)
		}
	}
}
