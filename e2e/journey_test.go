package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const journeyWait = 10 * time.Second

// viewerTitle is the conversation title on the first row of a two-pane
// screen (right of the rule, before the scroll percentage).
func viewerTitle(screen string) string {
	first, _, _ := strings.Cut(screen, "\n")
	_, r, _ := strings.Cut(first, "│")
	r = strings.TrimSpace(r)
	return strings.TrimSpace(regexp.MustCompile(`\s+\d+%$`).ReplaceAllString(r, ""))
}

// settled waits until the screen stays the same for 300 ms and returns it.
func (s *session) settled() string {
	s.t.Helper()
	prev, same := s.screen(), time.Now()
	for deadline := time.Now().Add(journeyWait); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if now := s.screen(); now != prev {
			prev, same = now, time.Now()
		} else if time.Since(same) >= 300*time.Millisecond {
			return now
		}
	}
	s.t.Fatalf("the screen did not settle:\n%s", prev)
	return prev
}

// waitTitle waits until the viewer shows the conversation titled want.
func (s *session) waitTitle(want string) string {
	s.t.Helper()
	return s.waitFor("viewer title "+want, journeyWait, func(scr string) bool { return viewerTitle(scr) == want })
}

// TestJourneyFilterKeys (issue 14, Searching 1): while typing, ctrl+n/ctrl+p,
// ctrl+j/ctrl+k and the arrows move the selection and the viewer follows;
// enter opens the selected result; esc clears the filter and goes back to
// the very screen shown before /.
func TestJourneyFilterKeys(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)

	s.keys("/")
	s.typeText("recipe")
	scr := s.waitText("2 of 31 conversations match", journeyWait)
	first := viewerTitle(scr)
	if first != "Converting a recipe to metric" {
		t.Fatalf("the best match is not shown first:\n%s", scr)
	}
	for _, step := range []struct{ key, want string }{
		{"C-n", "(untitled)"}, {"C-k", first}, {"C-j", "(untitled)"}, {"Up", first}, {"Down", "(untitled)"}, {"C-p", first}, {"C-n", "(untitled)"},
	} {
		s.keys(step.key)
		s.waitTitle(step.want)
	}
	if !strings.Contains(s.screen(), " / recipe ") {
		t.Fatalf("the keys edited the query:\n%s", s.screen())
	}
	s.keys("Enter")
	scr = s.waitFor("the viewer's help", journeyWait, func(scr string) bool { return !strings.Contains(scr, "esc clear filter") })
	if viewerTitle(scr) != "(untitled)" || !strings.Contains(scr, "hit 1/1") {
		t.Fatalf("enter did not open the selected result in the viewer:\n%s", scr)
	}

	// esc goes back to where / was pressed: the third conversation, its
	// viewer scrolled, the list focused (/ in the viewer finds in the
	// conversation instead).
	s.keys("q")
	s.waitText("[exit 0]", journeyWait)
	s = startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("j", "j", "Tab", "C-d", "Tab")
	before := s.settled()
	if !strings.Contains(before, "%") || strings.Contains(before, " 0%") {
		t.Fatalf("setup: the viewer did not scroll:\n%s", before)
	}
	s.keys("/")
	s.typeText("recipe")
	s.waitText("2 of 31 conversations match", journeyWait)
	s.keys("C-n")
	s.waitTitle("(untitled)")
	s.keys("Escape")
	s.waitFor("the list unfiltered", journeyWait, func(scr string) bool { return strings.Contains(scr, "31 conversations\n") })
	if after := s.settled(); after != before {
		t.Fatalf("esc did not go back to the screen before /:\n%s\nwant:\n%s", after, before)
	}
}

// TestJourneyRankedList (issue 14, Searching 2): with a query on, the list
// is one ranked list without date groups, two lines a result (title and
// date; the hit's line without Markdown marks), ten or more at 80×24.
func TestJourneyRankedList(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("the")
	s.waitText(" / the ", journeyWait)
	// Until the status line loses its " …", the search is still running and
	// the list may still be the previous answer's (seen on a loaded machine).
	s.waitFor("the search settled", journeyWait, func(scr string) bool {
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, "conversations match") {
				return !strings.HasSuffix(strings.TrimSpace(l), "…")
			}
		}
		return false
	})
	scr := s.settled()
	lines := strings.Split(listPane(scr), "\n")
	titleRow := regexp.MustCompile(`(\d\d:\d\d|[A-Z][a-z]{2} (\d{1,2}|\d{4}))\s*$`)
	results := 0
	for i := 1; i+1 < len(lines); i++ {
		l := lines[i]
		for _, g := range []string{"Today", "Yesterday", "Previous", "2026 ", "2025 "} {
			if strings.HasPrefix(strings.TrimSpace(l), g) {
				t.Fatalf("a date group %q in the ranked list:\n%s", l, scr)
			}
		}
		if titleRow.MatchString(l) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" {
			results++
			if strings.Contains(lines[i+1], "**") || !strings.Contains(strings.ToLower(lines[i+1]), "the") {
				t.Errorf("snippet line %q", lines[i+1])
			}
			i++
		}
	}
	if results < 10 {
		t.Fatalf("%d results on screen, want ≥ 10:\n%s", results, scr)
	}
	s.keys("Escape")
	s.waitText("Yesterday", journeyWait)

	// The example: the snippet quotes the hit without its bold marks.
	s.keys("/")
	s.typeText("crumb")
	scr = s.waitText(" 1 of 31 conversations match", journeyWait)
	if !strings.Contains(listPane(scr), "Crumb & Cardamom") || strings.Contains(listPane(scr), "**") {
		t.Fatalf("the snippet is not plain text:\n%s", scr)
	}
}

// bigOldestFirst writes a conversations.json of n conversations listed
// oldest first (the order some exports have), each about 4 KB. Every
// 100th mentions "marigold"; the oldest says it most (the best match,
// read first but listed last by date).
func bigOldestFirst(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "conversations.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	filler := strings.Repeat("Notes on soil, compost and watering schedules for the garden. ", 64)
	w.WriteString("[")
	for k := 0; k < n; k++ {
		if k > 0 {
			w.WriteString(",")
		}
		text := filler
		switch {
		case k == 0:
			text = strings.Repeat("marigold ", 20) + filler
		case k%100 == 0:
			text = "One marigold. " + filler
		}
		id := fmt.Sprintf("conv-%06d", k)
		created := 1.7e9 + float64(k)*600
		b, err := json.Marshal(exportConv(id, fmt.Sprintf("Garden notes %06d", k), created, []string{text}))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	w.WriteString("]")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestJourneyBestMatchWhileLoading (issue 14, Searching 3): an export that
// lists conversations oldest first opens on the newest; a filter typed
// while it still loads ends on the best match, at the top of the list.
func TestJourneyBestMatchWhileLoading(t *testing.T) {
	bin := binary(t)
	path := bigOldestFirst(t, 20000)
	s := startSession(t, 80, 24, nil, bin, "--theme", "notty", path)
	scr := s.waitText("Garden notes", journeyWait)
	loading := strings.Contains(scr, "Loading") || strings.Contains(scr, "%")
	s.keys("/")
	s.typeText("marigold")
	s.waitFor("loaded, 200 matches", 60*time.Second, func(scr string) bool {
		return strings.Contains(scr, "200 of 20,000 conversations match")
	})
	scr = s.settled()
	if rows := strings.Split(listPane(scr), "\n"); !strings.HasPrefix(strings.TrimSpace(rows[1]), "Garden notes 000") ||
		!strings.Contains(rows[2], "marigold marigold") || viewerTitle(scr) != "Garden notes 000000" {
		t.Fatalf("want the best match (Garden notes 000000) at the top and selected (loading when typed: %v):\n%s", loading, scr)
	}
	t.Logf("query typed while loading: %v", loading)

	s.keys("Escape")
	scr = s.waitFor("the whole list", journeyWait, func(scr string) bool {
		return strings.Contains(scr, "20,000 conversations") && !strings.Contains(scr, "match")
	})
	if rows := strings.Split(listPane(scr), "\n"); strings.TrimSpace(rows[2]) != "Garden notes 019999" || viewerTitle(scr) != "Garden notes 019999" {
		t.Fatalf("want the newest conversation selected after esc:\n%s", scr)
	}
}

// TestJourneyQueryErrors (issue 14, Searching 6): at 80×24 and 40×12 a
// query error is shown whole with the bad token marked, the last results
// are cleared, and a query matching nothing says so and what to try.
func TestJourneyQueryErrors(t *testing.T) {
	bin := binary(t)
	for _, size := range [][2]int{{80, 24}, {40, 12}} {
		s := startSession(t, size[0], size[1], nil, bin, "--demo", "--theme", "notty")
		s.waitText("Weeknight carbonara", journeyWait)
		s.keys("/")
		s.typeText("recipe")
		s.waitText("Converting a", journeyWait)
		s.typeText(" colour:red")
		scr := s.waitText("^^^^^^^^^^", journeyWait)
		list := listPane(scr)
		if size[0] < 70 {
			list = scr // one pane
		}
		flat := strings.Join(strings.Fields(list), "")
		if !strings.Contains(flat, strings.Join(strings.Fields(`unknown field "colour:" (known fields: title:, role:, model:, after:, before:, is:, has:, gpt:, service:)`), "")) {
			t.Errorf("%dx%d: the error is not shown whole:\n%s", size[0], size[1], scr)
		}
		lines := strings.Split(scr, "\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), "^") {
				q := lines[i-1]
				if strings.Index(q, "colour:red") != strings.Index(l, "^") {
					t.Errorf("%dx%d: the carets are not under colour:red:\n%s", size[0], size[1], scr)
				}
			}
		}
		if strings.Contains(scr, "Converting a") {
			t.Errorf("%dx%d: stale results left:\n%s", size[0], size[1], scr)
		}
		s.keys("C-u")
		s.typeText("zzzq")
		scr = s.waitText("No matches for “zzzq”", journeyWait) // not "Try:": the screen for a prefix of the query shows it too
		if !strings.Contains(scr, "No matches for “zzzq”") || !strings.Contains(scr, "a shorter piece of") {
			t.Errorf("%dx%d: no-match screen:\n%s", size[0], size[1], scr)
		}
		s.keys("Escape")
		s.waitFor("the filter cleared", journeyWait, func(scr string) bool { return !strings.Contains(scr, "conversations match") })
		s.keys("q")
		s.waitText("[exit 0]", journeyWait)
	}
}

// paneTitle is the title the program set on the tmux pane (OSC 2).
func (s *session) paneTitle() string {
	s.t.Helper()
	out, err := exec.Command("tmux", "-S", s.socket, "display-message", "-p", "-t", s.name, "#{pane_title}").Output()
	if err != nil {
		s.t.Fatalf("tmux display-message: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestJourneyEdges (issue 14, item 12): a missing or unreadable path is
// an error on stderr and exit 1, not a full screen; an archive that fails
// to load exits 1 after its screen; the terminal title comes back on exit;
// one of a thing is singular and counts have thousands separators.
func TestJourneyEdges(t *testing.T) {
	bin := binary(t)
	missing := filepath.Join(t.TempDir(), "export.zip")
	s := startSession(t, 80, 24, nil, bin, missing)
	scr := s.waitText("[exit 1]", journeyWait)
	if !strings.Contains(strings.ReplaceAll(scr, "\n", ""), "backchat: open "+missing+": no such file or directory") || strings.Contains(scr, "could not load") {
		t.Fatalf("missing file:\n%s", scr)
	}
	if _, err := os.Stat("/proc/self/mem"); err == nil {
		s = startSession(t, 80, 24, nil, bin, "/proc/self/mem")
		scr = s.waitText("[exit 1]", journeyWait)
		if !strings.Contains(scr, "backchat: read /proc/self/mem:") {
			t.Fatalf("unreadable file:\n%s", scr)
		}
	}

	notExport := filepath.Join(t.TempDir(), "notes.json")
	if err := os.WriteFile(notExport, []byte(`{"hello": "world"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s = startSession(t, 80, 24, nil, bin, "--theme", "notty", notExport)
	s.waitText("could not load the archive", journeyWait)
	s.keys("q")
	scr = s.waitText("[exit 1]", journeyWait)
	if !strings.Contains(scr, "backchat: loader: ") {
		t.Fatalf("the load error is not printed on exit:\n%s", scr)
	}

	// The title: set by the shell, replaced while browsing, back after.
	one := filepath.Join(t.TempDir(), "conversations.json")
	b, _ := json.Marshal([]any{exportConv("one-0001", "The only chat", 1.76e9, []string{"A lonely quokka", "Indeed."})})
	if err := os.WriteFile(one, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s = startSession(t, 80, 24, nil, "sh", "-c", `printf '\033]2;before-backchat\007'; sleep 0.2; exec "$0" --theme notty "$1"`, bin, one)
	scr = s.waitText("The only chat", journeyWait)
	if !regexp.MustCompile(`(?m) 1 conversation\s*$`).MatchString(scr) || strings.Contains(scr, "1 conversations") {
		t.Errorf("status bar: want 1 conversation:\n%s", scr)
	}
	if got := s.paneTitle(); got != "backchat" {
		t.Errorf("title while browsing %q", got)
	}
	s.keys("/")
	s.typeText("quokka")
	s.waitText("1 of 1 conversation match", journeyWait)
	s.keys("Enter")
	s.waitText("hit 1/1", journeyWait)
	s.keys("q")
	s.waitText("[exit 0]", journeyWait)
	if got := s.paneTitle(); got != "before-backchat" {
		t.Errorf("title after exit %q, want before-backchat", got)
	}
}

// TestJourneyDemoSIGHUP (issue 14, item 12): closing the terminal under
// --demo leaves no temporary files behind.
func TestJourneyDemoSIGHUP(t *testing.T) {
	bin := binary(t)
	tmp := t.TempDir()
	s := startSession(t, 80, 24, []string{"TMPDIR=" + tmp}, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	if ents, _ := os.ReadDir(tmp); len(ents) == 0 {
		t.Fatal("setup: the demo wrote nothing to TMPDIR")
	}
	// Closing the terminal: tmux hangs up the pane's processes.
	if out, err := exec.Command("tmux", "-S", s.socket, "kill-server").CombinedOutput(); err != nil {
		t.Fatalf("tmux kill-server: %v\n%s", err, out)
	}
	deadline := time.Now().Add(journeyWait)
	for {
		ents, _ := os.ReadDir(tmp)
		if len(ents) == 0 {
			return
		}
		if time.Now().After(deadline) {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("left behind after SIGHUP: %v", names)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
