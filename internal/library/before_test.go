package library

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	snap "github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

var testFP = snap.Fingerprint{9, 9, 9}

// writeSnap writes the snapshot of the library at dir as it loads now, as
// the command does after an import.
func writeSnap(t *testing.T, dir string) {
	t.Helper()
	l := open(t, dir)
	paths, err := l.Paths()
	if err != nil {
		t.Fatal(err)
	}
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(l.CacheDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := snap.WriteFile(l.SnapshotPath(), arch, snap.Options{Fingerprint: testFP}); err != nil {
		t.Fatal(err)
	}
}

// snapBefore is Options.Before over the library's snapshot (as the
// command's); used, when set, counts the times it answered.
func snapBefore(t *testing.T, used *int) func(*Library, []string) (*model.Archive, func(int) int, func()) {
	return func(l *Library, _ []string) (*model.Archive, func(int) int, func()) {
		s, err := snap.Open(l.SnapshotPath(), testFP)
		if err != nil {
			t.Logf("no snapshot: %v", err)
			return nil, nil, nil
		}
		if used != nil {
			*used++
		}
		return s.Archive, s.Nodes, func() { _ = s.Close() }
	}
}

// oldChanges is the report as Add made it before it used snapshots: the
// library loaded before and after (every export parsed, the loader
// merging them), compared conversation by conversation.
func oldChanges(before, after *model.Archive) Changes {
	type st struct {
		u        time.Time
		title    string
		nodes    int
		cur      string
		inNewest bool
	}
	of := func(c *model.Conversation) st {
		return st{c.Updated, c.Title, len(c.Tree()), c.CurrentKey, !c.NotInNewest()}
	}
	was := map[string]st{}
	if before != nil {
		for _, c := range before.Conversations {
			was[c.ID] = of(c)
		}
	}
	var ch Changes
	for _, c := range after.Conversations {
		e := Entry{ID: c.ID, Title: c.DisplayTitle(), Service: c.Service}
		old, ok := was[c.ID]
		if !ok {
			ch.New = append(ch.New, e)
			continue
		}
		now := of(c)
		now.inNewest = old.inNewest
		if !now.u.Equal(old.u) || now.title != old.title || now.nodes != old.nodes || now.cur != old.cur {
			ch.Updated = append(ch.Updated, e)
		}
		if old.inNewest && c.NotInNewest() {
			ch.Gone = append(ch.Gone, e)
		}
	}
	return ch
}

// variant writes an export made of base's conversations picked (in that
// order), with the update times moved by bump (seconds) and the titles
// given in retitle, and returns its path.
func variant(t *testing.T, dir, name string, base []map[string]any, pick []int, bump map[int]float64, retitle map[int]string) string {
	t.Helper()
	var out []map[string]any
	for _, i := range pick {
		c := map[string]any{}
		for k, v := range base[i] {
			c[k] = v
		}
		if d, ok := bump[i]; ok {
			c["update_time"] = c["update_time"].(float64) + d
		}
		if s, ok := retitle[i]; ok {
			c["title"] = s
		}
		out = append(out, c)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func baseConvs(t *testing.T, seed int64, n int) []map[string]any {
	t.Helper()
	var b bytes.Buffer
	if _, err := gen.Write(&b, gen.Config{Seed: seed, Conversations: n, NoHuge: true}); err != nil {
		t.Fatal(err)
	}
	var convs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &convs); err != nil {
		t.Fatal(err)
	}
	return convs
}

func span(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// TestReportSameWithSnapshot imports sequences of exports into three
// libraries: one whose snapshot is written after each import and given to
// Add, one without snapshot (Add loads the imports already there), and
// one whose snapshot is damaged before each import (Add falls back to the
// load), and one without snapshot whose loads are poisoned when released
// (poisonOpen: Add must not read what it gave back). The four reports
// must equal the report of the old way: the
// whole library parsed and merged by the loader before and after.
func TestReportSameWithSnapshot(t *testing.T) {
	src := t.TempDir()
	a := baseConvs(t, 11, 40)
	other := baseConvs(t, 12, 8) // another account: no id in common
	retitled := map[int]string{15: "Renamed at the same update time"}
	exports := map[string]string{
		"a":        variant(t, src, "a.json", a, span(0, 20), nil, nil),
		"b":        variant(t, src, "b.json", a, span(10, 30), map[int]float64{10: 3600, 11: 3600, 12: 7200}, retitled),
		"older":    variant(t, src, "older.json", a, span(0, 25), map[int]float64{0: -86400, 20: -86400}, nil),
		"dropping": variant(t, src, "dropping.json", a, append(span(0, 5), span(12, 40)...), map[int]float64{35: 60}, nil),
		"other":    variant(t, src, "other.json", other, span(0, 8), nil, nil),
		"tie":      variant(t, src, "tie.json", a, span(0, 3), nil, map[int]string{1: "Same time, other title"}),
	}
	sequences := [][][]string{
		{{"a"}, {"a"}, {"b"}},               // the same file twice, then an overlapping export
		{{"b"}, {"a"}},                      // an older export after a newer one
		{{"a"}, {"dropping"}, {"older"}},    // conversations dropped, then an older export
		{{"a"}, {"b", "other"}},             // two at once, one of another account
		{{"other"}, {"a"}, {"tie", "b"}},    // equal update times: the later import wins
		{{"a", "b"}, {"dropping", "older"}}, // several at each step
	}
	combined := 0 // imports whose report's archive combined a snapshot
	for si, seq := range sequences {
		t.Run(fmt.Sprint(si), func(t *testing.T) {
			libs := map[string]string{}
			for _, k := range []string{"snap", "load", "damaged", "poison"} {
				libs[k] = filepath.Join(t.TempDir(), k)
			}
			for step, names := range seq {
				var paths []string
				for _, n := range names {
					paths = append(paths, exports[n])
				}
				var oldPaths []string
				var before *model.Archive
				if l, err := Open(libs["load"]); err == nil && !l.Empty() {
					oldPaths, _ = l.Paths()
					before, err = loader.OpenContext(context.Background(), loader.Options{}, oldPaths...)
					if err != nil {
						t.Fatal(err)
					}
				}
				reps := map[string]*Report{}
				for k, dir := range libs {
					used := 0
					var mu sync.Mutex
					var loaded []string
					opt := Options{Now: stepClock(step), Open: func(ctx context.Context, o loader.Options, ps ...string) (*model.Archive, error) {
						mu.Lock()
						loaded = append(loaded, ps...)
						mu.Unlock()
						return loader.OpenContext(ctx, o, ps...)
					}}
					var po *poisoned
					if k == "poison" {
						po = &poisoned{}
						opt.Open = po.open
					} else if k != "load" {
						opt.Before = snapBefore(t, &used)
					}
					if k == "damaged" {
						damageSnap(t, dir)
					}
					rep, err := Add(context.Background(), dir, paths, opt)
					if err != nil {
						t.Fatal(err)
					}
					reps[k] = rep
					if rep.Archive != nil {
						sameAsLoad(t, fmt.Sprintf("step %d (%v), %s", step, names, k), dir, rep.Archive)
						if len(oldPaths) > 0 {
							combined++
						}
					}
					if po != nil {
						po.check(t, rep)
					}
					if k == "snap" && len(oldPaths) > 0 && rep.Failed() == 0 && !allAlready(rep) {
						if used != 1 {
							t.Errorf("step %d: the snapshot was not used", step)
						}
						for _, p := range loaded {
							if slices.Contains(oldPaths, p) {
								t.Errorf("step %d: %s parsed again although the snapshot was valid", step, p)
							}
						}
					}
					if k == "damaged" && used != 0 {
						t.Errorf("step %d: a damaged snapshot was used", step)
					}
					if k != "load" && k != "poison" {
						writeSnap(t, dir)
					}
				}
				want := Changes{}
				if !allAlready(reps["load"]) {
					var newPaths []string
					for _, o := range reps["load"].Outcomes {
						if !o.Already {
							newPaths = append(newPaths, open(t, libs["load"]).Path(o.Import))
						}
					}
					after, err := loader.OpenContext(context.Background(), loader.Options{}, append(oldPaths, newPaths...)...)
					if err != nil {
						t.Fatal(err)
					}
					want = oldChanges(before, after)
				}
				for k, rep := range reps {
					if !reflect.DeepEqual(rep.Changes, want) {
						t.Errorf("step %d (%v), %s: changes\n%s\nwant\n%s", step, names, k, summary(rep.Changes), summary(want))
					}
				}
				t.Logf("step %d (%v): %s", step, names, summary(want))
			}
		})
	}
	if combined < 6 {
		t.Errorf("%d imports combined the library's snapshot with the new exports, want at least 6", combined)
	}
}

// sameAsLoad checks that arch, a Report.Archive, is what loading the
// library at dir gives: conversations (in order, with their Sources,
// InNewest and trees), warnings, sources and accounts.
func sameAsLoad(t *testing.T, what, dir string, arch *model.Archive) {
	t.Helper()
	paths, err := open(t, dir).Paths()
	if err != nil {
		t.Fatal(err)
	}
	want, err := loader.OpenContext(context.Background(), loader.Options{}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(arch.Sources, want.Sources) || !reflect.DeepEqual(arch.Warnings, want.Warnings) || !reflect.DeepEqual(arch.Accounts, want.Accounts) {
		t.Errorf("%s: report's archive: sources %q warnings %v accounts %v, want %q %v %v", what, arch.Sources, arch.Warnings, arch.Accounts, want.Sources, want.Warnings, want.Accounts)
	}
	if len(arch.Conversations) != len(want.Conversations) {
		t.Fatalf("%s: report's archive: %d conversations, want %d", what, len(arch.Conversations), len(want.Conversations))
	}
	for i, c := range arch.Conversations {
		w := want.Conversations[i]
		if c.ID != w.ID || c.Title != w.Title || !c.Created.Equal(w.Created) || !c.Updated.Equal(w.Updated) ||
			!slices.Equal(c.Sources, w.Sources) || c.InNewest != w.InNewest || c.CurrentKey != w.CurrentKey ||
			len(c.Tree()) != len(w.Tree()) {
			t.Errorf("%s: report's archive: conversation %d is %s %q %v %q in newest %v, want %s %q %v %q %v", what, i,
				c.ID, c.Title, c.Updated, c.Sources, c.InNewest, w.ID, w.Title, w.Updated, w.Sources, w.InNewest)
		}
	}
}

func allAlready(r *Report) bool {
	for _, o := range r.Outcomes {
		if !o.Already {
			return false
		}
	}
	return true
}

// stepClock makes the imports of step s later than those of earlier steps
// (Ordered breaks equal export dates by import time).
func stepClock(s int) func() time.Time {
	return func() time.Time { return time.Date(2026, 12, 1, s, 0, 0, 0, time.UTC) }
}

// damageSnap flips a byte in the middle of the library's snapshot, if it
// has one: its conversation table (or another checked section) no longer
// matches its checksum.
func damageSnap(t *testing.T, dir string) {
	t.Helper()
	l, err := Open(dir)
	if err != nil || l.Empty() {
		return
	}
	p := l.SnapshotPath()
	b, err := os.ReadFile(p)
	if err != nil {
		return
	}
	if _, err := snap.OpenBytes(b, testFP); err != nil {
		t.Fatalf("snapshot already damaged: %v", err)
	}
	// The conversation table: section 3 of the header's table
	// (internal/snapshot/format.go), 24 bytes an entry after 56.
	e := b[56+3*24:]
	off, n := binary.LittleEndian.Uint64(e[8:]), binary.LittleEndian.Uint64(e[16:])
	b[off+n/2] ^= 0x55
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := snap.OpenBytes(b, testFP); err == nil {
		t.Fatal("damage not noticed by Open")
	}
}

func summary(ch Changes) string {
	ids := func(es []Entry) []string {
		var s []string
		for _, e := range es {
			s = append(s, e.ID[:8]+" "+e.Title)
		}
		return s
	}
	return fmt.Sprintf("new %v\nupdated %v\ngone %v", ids(ch.New), ids(ch.Updated), ids(ch.Gone))
}

// TestMergeWithoutSources: conversations that name no export (never from
// the loader, but a snapshot could hold them) are kept and not marked.
func TestMergeWithoutSources(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	before := []known{{ID: "a", Updated: at}, {ID: "b", Updated: at, Sourced: true, In: []int32{0}}}
	added := []known{{ID: "b", Updated: at.Add(time.Hour), Sourced: true, In: []int32{1}}, {ID: "c", Updated: at, Sourced: true, In: []int32{1}}}
	got := merge(before, added, []time.Time{at, at.Add(time.Hour)})
	if len(got) != 3 || got[0].ID != "b" || !slices.Equal(got[0].In, []int32{0, 1}) {
		t.Fatalf("merged %+v", got)
	}
	for _, k := range got {
		if k.ID == "a" && k.notInNewest() {
			t.Error("a conversation without sources marked not in newest")
		}
	}
}

// poisoned is Options.Open over the loader whose strings (of the
// archive's conversations and of those streamed) are overwritten with '#'
// when Add releases the load (loader.Options.Release): a report read from
// a released load shows it. It counts the loads and the releases.
type poisoned struct {
	mu              sync.Mutex
	loads, releases int
}

func (p *poisoned) open(ctx context.Context, o loader.Options, paths ...string) (*model.Archive, error) {
	var mu sync.Mutex
	var bufs [][]byte
	own := func(s string) string {
		if s == "" {
			return s
		}
		b := []byte(s)
		mu.Lock()
		bufs = append(bufs, b)
		mu.Unlock()
		return unsafe.String(&b[0], len(b))
	}
	poison := func(c *model.Conversation) {
		c.ID, c.Title, c.Service, c.CurrentKey = own(c.ID), own(c.Title), own(c.Service), own(c.CurrentKey)
	}
	if on := o.OnConversation; on != nil {
		o.OnConversation = func(c *model.Conversation) {
			cp := *c
			poison(&cp)
			on(&cp)
		}
	}
	released := false
	if rel := o.Release; rel != nil {
		o.Release = func(free func()) {
			rel(func() {
				free()
				mu.Lock()
				defer mu.Unlock()
				if released {
					return
				}
				released = true
				for _, b := range bufs {
					for i := range b {
						b[i] = '#'
					}
				}
				p.mu.Lock()
				p.releases++
				p.mu.Unlock()
			})
		}
	}
	arch, err := loader.OpenContext(ctx, o, paths...)
	p.mu.Lock()
	p.loads++
	p.mu.Unlock()
	if arch != nil {
		for _, c := range arch.Conversations {
			poison(c)
		}
	}
	return arch, err
}

// check: every load was released but the report's archive, and nothing
// the report holds was poisoned.
func (p *poisoned) check(t *testing.T, rep *Report) {
	t.Helper()
	want := p.loads
	if rep.Archive != nil {
		want--
		for _, c := range rep.Archive.Conversations {
			if strings.Contains(c.ID, "##") {
				t.Fatalf("the report's archive was released: %q", c.ID)
			}
		}
	}
	if p.releases != want {
		t.Errorf("%d loads, %d released; want %d", p.loads, p.releases, want)
	}
	for _, o := range rep.Outcomes {
		if strings.Contains(o.Import.Service, "#") {
			t.Errorf("%s: service %q read after the release", o.Path, o.Import.Service)
		}
	}
}
