package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/render"
)

func TestShowFormats(t *testing.T) {
	c := archive()["export.zip"][1]
	for _, tc := range []struct {
		name string
		args []string
		fn   func(*bytes.Buffer) error
	}{
		{"text", nil, func(b *bytes.Buffer) error { return render.Text(b, c, render.Options{Location: time.UTC}) }},
		{"markdown", []string{"--format", "markdown"}, func(b *bytes.Buffer) error { return render.Markdown(b, c, render.Options{Location: time.UTC}) }},
		{"md_all", []string{"-f", "md", "--all"}, func(b *bytes.Buffer) error {
			return render.Markdown(b, c, render.Options{All: true, Location: time.UTC})
		}},
		{"json", []string{"--format=json"}, func(b *bytes.Buffer) error { return render.JSON(b, c, render.Options{}) }},
		{"json_all", []string{"--format=json", "-a"}, func(b *bytes.Buffer) error { return render.JSON(b, c, render.Options{All: true}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"show"}, tc.args...)
			r := cli(t, archive(), append(args, "export.zip", "more.json", "abc-2")...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			var want bytes.Buffer
			if err := tc.fn(&want); err != nil {
				t.Fatal(err)
			}
			if r.stdout != want.String() {
				t.Errorf("show differs from render:\n%s\nwant:\n%s", r.stdout, want.String())
			}
			checkGolden(t, "show_"+tc.name, []byte(r.stdout))
		})
	}
}

func TestShowHostile(t *testing.T) {
	for _, f := range []string{"text", "markdown", "json"} {
		r := cli(t, archive(), "show", "-f", f, "--all", "more.json", "e-1")
		if r.code != exitOK {
			t.Fatalf("%s: exit %d: %s", f, r.code, r.stderr)
		}
		if c, bad := rawControl(r.stdout); bad {
			t.Errorf("%s: raw control %U in output:\n%q", f, c, r.stdout)
		}
		if !strings.Contains(r.stdout, "title") {
			t.Errorf("%s: title text lost: %q", f, r.stdout)
		}
	}
}

func TestShowErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown id", []string{"show", "export.zip", "nope"}, exitFail, "\"nope\": no such conversation (`backchat ls --json export.zip` lists the ids)"},
		{"ambiguous prefix", []string{"show", "export.zip", "abc"}, exitFail, "abc"},
		{"id only, empty library", []string{"show", "abc-111"}, exitFail, "no exports imported yet: run backchat import EXPORT.zip"},
		{"no id", []string{"show"}, exitUsage, "ID"},
		{"export without id", []string{"show", "export.zip"}, exitUsage, "`backchat ls --json export.zip` lists the ids, then `backchat show export.zip ID`"},
		{"folder without id", []string{"show", "exports/old"}, exitUsage, "`backchat ls --json exports/old` lists the ids"},
		{"odd path without id", []string{"show", "my export's/x.json"}, exitUsage, `'my export'\''s/x.json'`},
		{"bad format", []string{"show", "-f", "html", "export.zip", "abc-111"}, exitUsage, "--format"},
		{"nothing loaded", []string{"show", "missing.zip", "abc-111"}, exitFail, "missing.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, archive(), tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tc.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "backchat: ") || !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("stderr %q should start with \"backchat: \" and name %q", r.stderr, tc.msg)
			}
		})
	}
}
