package msgkit

import (
	"fmt"
	"reflect"

	"github.com/backchat/backchat/model"
)

// ConvDiff lists how conversation g differs from w, field by field: its
// tree's error, the counts a list shows, every exported field (Nodes read
// through Tree, their Children in full: SameChildren). Empty when they are
// the same. It decodes a lazy tree.
func ConvDiff(w, g *model.Conversation) []string {
	if err := g.TreeErr(); err != nil {
		return []string{fmt.Sprintf("conversation %s: %v", w.ID, err)}
	}
	var out []string
	if w.VisibleCount() != g.VisibleCount() || w.BranchPoints() != g.BranchPoints() || w.HasBranches() != g.HasBranches() {
		out = append(out, fmt.Sprintf("conversation %s: counts differ", w.ID))
	}
	wv, gv := reflect.ValueOf(w).Elem(), reflect.ValueOf(g).Elem()
	for f := range wv.NumField() {
		sf := wv.Type().Field(f)
		if !sf.IsExported() {
			continue
		}
		wf, gf := wv.Field(f).Interface(), gv.Field(f).Interface()
		if sf.Name == "Nodes" {
			wf, gf = w.Tree(), g.Tree()
		}
		if !reflect.DeepEqual(wf, gf) {
			out = append(out, fmt.Sprintf("conversation %s: %s differs:\nwant %#v\ngot  %#v", w.ID, sf.Name, wf, gf))
		}
	}
	if !SameChildren(w.Tree(), g.Tree()) {
		out = append(out, fmt.Sprintf("conversation %s: children differ", w.ID))
	}
	return out
}
