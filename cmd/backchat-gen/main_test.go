package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GB": 1e9, "250MB": 250e6, "64kb": 64e3, "1.5G": 1.5e9, "2MiB": 2 << 20, "1000": 1000} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GB", "-1MB", "lots"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "c.json")
	if err := run([]string{"-out", out, "-n", "3", "-seed", "2"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(data, &arr); err != nil || len(arr) != 3 {
		t.Fatalf("%d conversations, %v", len(arr), err)
	}
	zout := filepath.Join(dir, "e.zip")
	if err := run([]string{"-out", zout, "-size", "300KB", "-zip", "-shards", "3"}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(zout)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	shards := 0
	for _, f := range zr.File {
		if m, _ := filepath.Match("conversations-00[0-9].json", f.Name); m {
			shards++
		}
	}
	if shards != 3 {
		t.Errorf("%d shards, want 3", shards)
	}
	if err := run([]string{"-n", "3"}); err == nil {
		t.Error("missing -out accepted")
	}
	lout := filepath.Join(dir, "l.json")
	if err := run([]string{"-out", lout, "-size", "2MB", "-shape", "long"}); err != nil {
		t.Fatal(err)
	}
	if data, err = os.ReadFile(lout); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &arr); err != nil || len(arr) < 20 || len(arr) > 60 {
		t.Errorf("-shape long -size 2MB: %d conversations (want ~36), %v", len(arr), err)
	}
	if err := run([]string{"-out", lout, "-n", "3", "-shape", "wide"}); err == nil {
		t.Error("unknown -shape accepted")
	}
}
