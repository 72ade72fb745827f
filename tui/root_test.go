package tui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// maxRootLines bounds the lines of methods on the root Model (declaration to
// closing brace, over every non-test file of the package): the root routes
// messages, lays panes out and owns global keys; everything else belongs to
// a pane (docs: the house style's "The root routes, panes own behaviour";
// issue 11 asks for at most 400).
const maxRootLines = 400

func TestRootModelStaysSmall(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	total := 0
	var methods []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 {
				continue
			}
			typ := fd.Recv.List[0].Type
			if s, ok := typ.(*ast.StarExpr); ok {
				typ = s.X
			}
			if id, ok := typ.(*ast.Ident); !ok || id.Name != "Model" {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			total += n
			methods = append(methods, fmt.Sprintf("%4d %s: %s", n, f, fd.Name.Name))
		}
	}
	if total == 0 {
		t.Fatal("found no methods on Model: is the test in the package's directory?")
	}
	if total > maxRootLines {
		sort.Sort(sort.Reverse(sort.StringSlice(methods)))
		t.Errorf("the root Model has %d lines of methods, more than %d; move behaviour into a pane. Largest:\n%s",
			total, maxRootLines, strings.Join(methods[:min(len(methods), 15)], "\n"))
	}
	t.Logf("root Model: %d lines of methods in %d methods", total, len(methods))
}
