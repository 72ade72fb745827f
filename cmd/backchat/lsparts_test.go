package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
)

// manyConvs builds n conversations of two services with models and titles
// of varied display widths (wide runes included), some without a time,
// some missing from the newest export: enough for listText and listJSON
// to cut them into parts.
func manyConvs(n int) []*model.Conversation {
	models := []string{"", "gpt-4o", "o1", "模型-大", "claude-3-5-sonnet-20241022"}
	services := []string{"chatgpt", "claude", ""}
	out := make([]*model.Conversation, n)
	for i := range out {
		c := &model.Conversation{
			ID:      fmt.Sprintf("c%05d", i),
			Title:   strings.Repeat("ä", i%7) + fmt.Sprint(i),
			Model:   models[i%len(models)],
			Service: services[i%len(services)],
		}
		if i%13 != 0 {
			c.Updated = time.Unix(1700000000+int64(i)*3600, 0)
		}
		if i%17 == 0 {
			c.Sources, c.InNewest = []string{"old.zip"}, false
		}
		for k := range i % 4 {
			c.Nodes = append(c.Nodes, model.Node{Parent: int32(k - 1), Msg: &model.Message{}})
		}
		if len(c.Nodes) == 0 {
			c.Current = model.NoNode
		} else {
			c.Current = int32(len(c.Nodes) - 1)
		}
		out[i] = c
	}
	return out
}

// TestListTextInPartsMatchesOneByOne checks the lines made in parallel
// against the same lines made one after the other with fmt, for one
// service and for several (the service column).
func TestListTextInPartsMatchesOneByOne(t *testing.T) {
	all := manyConvs(5000)
	one := make([]*model.Conversation, 0, len(all))
	for _, c := range all {
		if c.Service == "claude" {
			one = append(one, c)
		}
	}
	for name, convs := range map[string][]*model.Conversation{"mixed": all, "one service": one} {
		var got bytes.Buffer
		listText(&got, convs, time.UTC, 0)
		if want := listTextOneByOne(convs, time.UTC); got.String() != want {
			t.Errorf("%s: parallel lines differ from the one-by-one lines (%d vs %d bytes)", name, got.Len(), len(want))
		}
	}
}

// TestListTextCutInParts: cut to a width on every core, each of 5,000
// lines fits and keeps its date and count, in the one-by-one order.
func TestListTextCutInParts(t *testing.T) {
	convs := manyConvs(5000)
	var got bytes.Buffer
	listText(&got, convs, time.UTC, 60)
	whole := strings.Split(listTextOneByOne(convs, time.UTC), "\n")
	for i, l := range strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Fatalf("line %d is %d cells wide: %q", i, w, l)
		}
		if l[:12] != whole[i][:12] {
			t.Fatalf("line %d %q, one by one %q", i, l, whole[i])
		}
	}
}

// listTextOneByOne is listText made row by row with fmt (the way it was
// before the lines were made in parts).
func listTextOneByOne(convs []*model.Conversation, loc *time.Location) string {
	type row struct{ date, service, count, model, title string }
	var rows []row
	wCount, wModel, wService := 0, 0, 0
	mixed := len(model.Services(convs)) > 1
	for _, c := range convs {
		r := row{date: "----------", count: render.FormatCount(c.VisibleCount()), model: model.SanitizeLine(c.Model),
			title: model.SanitizeLine(c.DisplayTitle())}
		if mixed {
			r.service = model.SanitizeLine(c.Service)
			if r.service == "" {
				r.service = "-"
			}
		}
		if c.NotInNewest() {
			r.title += "  (not in newest export)"
		}
		if t := c.SortTime(); !t.IsZero() {
			r.date = t.In(loc).Format("2006-01-02")
		}
		if r.model == "" {
			r.model = "-"
		}
		rows = append(rows, r)
		wService = max(wService, ansi.StringWidth(r.service))
		wCount = max(wCount, len(r.count))
		wModel = max(wModel, ansi.StringWidth(r.model))
	}
	var b strings.Builder
	for _, r := range rows {
		if mixed {
			fmt.Fprintf(&b, "%s  %s%s", r.date, r.service, strings.Repeat(" ", wService-ansi.StringWidth(r.service)))
		} else {
			b.WriteString(r.date)
		}
		fmt.Fprintf(&b, "  %*s  %s%s  %s\n", wCount, r.count, r.model,
			strings.Repeat(" ", wModel-ansi.StringWidth(r.model)), r.title)
	}
	return b.String()
}

// TestListJSONInPartsKeepsTheOrder checks that the JSON lines encoded in
// parts come out in the conversations' order, one per conversation.
func TestListJSONInPartsKeepsTheOrder(t *testing.T) {
	convs := manyConvs(4321)
	var out bytes.Buffer
	if err := listJSON(&out, convs, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(convs) {
		t.Fatalf("%d lines for %d conversations", len(lines), len(convs))
	}
	for i, l := range lines {
		if want := fmt.Sprintf(`{"id":%q,`, convs[i].ID); !strings.HasPrefix(l, want) {
			t.Fatalf("line %d = %.40s…, want it to start %s", i, l, want)
		}
	}
}
