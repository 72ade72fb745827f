package loader

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// canvasUpdate is one entry of a canmore.update_textdoc call's "updates":
// replace the first match of Pattern (every match with Multiple) by
// Replacement.
type canvasUpdate struct {
	pattern, replacement string
	multiple             bool
}

// canvasEdit is an update_textdoc call waiting to be replayed: m's first
// block is its canvas block.
type canvasEdit struct {
	m       *model.Message
	updates []canvasUpdate
}

// canvas parses a canmore create/update payload. ok is false when the
// payload is not the expected JSON, so the caller keeps it as code. For an
// update, ups holds its edits (non-nil), to be replayed by replayCanvas.
func (w *worker) canvas(recipient string, payload []byte) (blk model.Block, ups []canvasUpdate, ok bool) {
	if len(payload) == 0 {
		return model.Block{}, nil, false
	}
	d := getWalker(payload)
	defer putWalker(d)
	if d.Next() != tObject {
		return model.Block{}, nil, false
	}
	blk = model.Block{Kind: model.BlockCanvas}.WithType("canvas")
	seen := false
	err := d.ObjBytes(func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "name":
			blk.Ext().Title, err = w.str(d)
			seen = true
		case "type":
			var lang string
			lang, err = w.str(d)
			blk.SetLang(lang)
		case "content":
			blk.Text, err = w.str(d)
			seen = true
		case "updates":
			seen = true
			ups = []canvasUpdate{}
			err = arr(d, func(d *walker) error {
				var u canvasUpdate
				err := obj(d, func(d *walker, k []byte) error {
					var err error
					switch string(k) {
					case "pattern":
						u.pattern, err = w.str(d)
					case "replacement":
						u.replacement, err = w.str(d)
					case "multiple":
						u.multiple, err = boolean(d)
					default:
						err = d.Skip()
					}
					return err
				})
				ups = append(ups, u)
				return err
			})
		default:
			err = d.Skip()
		}
		return err
	})
	if err != nil || !seen {
		// An interrupted answer leaves the payload cut off mid-string: keep
		// what it says rather than show the JSON.
		return partialCanvas(recipient, payload)
	}
	if !strings.HasPrefix(recipient, "canmore.update_textdoc") {
		return blk, nil, true
	}
	blk.Ext().Summary = "update"
	if blk.Text == "" {
		var rs []string
		for _, u := range ups {
			rs = append(rs, u.replacement)
		}
		blk.Text = strings.Join(rs, "\n\n")
	}
	if ups == nil {
		ups = []canvasUpdate{}
	}
	return blk, ups, true
}

var (
	canvasField = regexp.MustCompile(`"(name|type|pattern)"\s*:\s*"((?:[^"\\]|\\.)*)"`)
	canvasBody  = regexp.MustCompile(`"(content|replacement)"\s*:\s*"`)
)

// partialCanvas reads a canvas payload cut off before its end: its name and
// type, and the text of its content (or of an update's replacement) up to
// the cut. The block's Summary is "incomplete". ok is false when the payload
// holds no content string.
func partialCanvas(recipient string, payload []byte) (model.Block, []canvasUpdate, bool) {
	loc := canvasBody.FindIndex(payload)
	if loc == nil {
		return model.Block{}, nil, false
	}
	blk := model.Block{Kind: model.BlockCanvas, Extra: &model.BlockExtra{Summary: "incomplete"}}.WithType("canvas")
	var pattern *string
	for _, m := range canvasField.FindAllSubmatch(payload[:loc[0]], -1) {
		v, err := strconv.Unquote(`"` + string(m[2]) + `"`)
		if err != nil {
			v = string(m[2])
		}
		switch string(m[1]) {
		case "name":
			blk.Ext().Title = v
		case "type":
			blk.SetLang(v)
		default:
			pattern = &v
		}
	}
	blk.Text = unquotePrefix(payload[loc[1]:])
	if blk.Text == "" {
		return model.Block{}, nil, false
	}
	if pattern != nil && bytes.Contains(payload[loc[0]:loc[1]], []byte("replacement")) {
		// A cut-off edit: replayed like any other, its result incomplete.
		return blk, []canvasUpdate{{pattern: *pattern, replacement: blk.Text}}, true
	}
	return blk, nil, true
}

// unquotePrefix decodes the JSON string body b (without its opening quote)
// up to its closing quote or, when it was cut off, up to its end.
func unquotePrefix(b []byte) string {
	end := len(b)
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' {
			i++
			continue
		}
		if b[i] == '"' {
			end = i
			break
		}
	}
	body := b[:end]
	for len(body) > 0 {
		// Drop a cut escape ("\", "\u12") at the end.
		if v, err := strconv.Unquote(`"` + string(body) + `"`); err == nil {
			return v
		}
		i := bytes.LastIndexByte(body, '\\')
		if i < 0 || len(body)-i > 6 {
			return string(body)
		}
		body = body[:i]
	}
	return ""
}

// replayCanvas applies each update_textdoc edit to the document it edits,
// so that each update's block holds the whole document after the edit
// (Text), with the document's name and type, and "version N" in Summary
// (the create is version 1). The document edited is the nearest canvas
// block among the message's ancestors: ChatGPT edits the canvas last
// written. An edit whose document is not in the export, or whose pattern
// does not match, keeps its replacement text and Summary "update".
func replayCanvas(c *model.Conversation, edits []canvasEdit) {
	node := make(map[*model.Message]int32, len(edits))
	for i := range c.Nodes {
		if m := c.Nodes[i].Msg; m != nil {
			node[m] = int32(i)
		}
	}
	pending := make(map[*model.Message]*canvasEdit, len(edits))
	edited := make(map[*model.Message]struct{}, len(edits))
	for i := range edits {
		pending[edits[i].m] = &edits[i]
		edited[edits[i].m] = struct{}{}
	}
	version := make(map[*model.Message]int)
	var replay func(e *canvasEdit, depth int)
	replay = func(e *canvasEdit, depth int) {
		delete(pending, e.m)
		n, ok := node[e.m]
		if !ok || depth > len(c.Nodes) {
			return
		}
		// Find the document as it stood before this edit.
		for p, steps := c.Nodes[n].Parent, 0; p != model.NoNode && steps <= len(c.Nodes); p, steps = c.Nodes[p].Parent, steps+1 {
			pm := c.Nodes[p].Msg
			if pm == nil || len(pm.Blocks) == 0 || pm.Blocks[0].Kind != model.BlockCanvas {
				continue
			}
			if pe := pending[pm]; pe != nil {
				replay(pe, depth+1)
			}
			base := &pm.Blocks[0]
			if _, edit := edited[pm]; edit && version[pm] == 0 {
				return // the edit before this one could not be replayed
			}
			text, ok := applyCanvasUpdates(base.Text, e.updates)
			if !ok {
				return
			}
			v := version[pm]
			if v == 0 {
				v = 1
			}
			b := &e.m.Blocks[0]
			cut := b.Summary() == "incomplete"
			b.Text, b.Ext().Title = text, base.Title()
			b.SetLang(base.Lang())
			b.Ext().Summary = "version " + strconv.Itoa(v+1)
			if cut {
				b.Ext().Summary += ", incomplete"
			}
			version[e.m] = v + 1
			return
		}
	}
	for i := range edits {
		if pending[edits[i].m] != nil {
			replay(&edits[i], 0)
		}
	}
}

// applyCanvasUpdates applies updates to doc. Patterns are regular
// expressions in which "." also matches a newline (ChatGPT rewrites a whole
// document with the pattern ".*"); replacements are literal. ok is false
// when a pattern does not compile or does not match.
func applyCanvasUpdates(doc string, updates []canvasUpdate) (string, bool) {
	for _, u := range updates {
		if u.pattern == ".*" {
			// The whole-document rewrite: "(?s).*" matches all of doc
			// (ReplaceAll ignores the empty match abutting it), so doc
			// becomes the replacement either way, without compiling and
			// running the expression (~1.5% of a load of short
			// conversations).
			doc = u.replacement
			continue
		}
		re, err := regexp.Compile("(?s)" + u.pattern)
		if err != nil {
			return "", false
		}
		loc := re.FindStringIndex(doc)
		if loc == nil {
			return "", false
		}
		if u.multiple {
			doc = re.ReplaceAllLiteralString(doc, u.replacement)
		} else {
			doc = doc[:loc[0]] + u.replacement + doc[loc[1]:]
		}
	}
	return doc, true
}
