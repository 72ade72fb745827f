package loader

// Claude content blocks: each block of a chat message's content[] goes into
// the sender's segment or a segment of its own (see claude_decode.go).

import (
	"fmt"

	"github.com/backchat/backchat/model"
)

// claudeBlock holds one content block's fields raw.
type claudeBlock struct {
	typ, text, thinking, summaries, name, input, content, title, citations, start []byte
	isError                                                                       bool
	fields                                                                        []rawField
}

// block decodes one content block.
func (b *claudeBuilder) block(d *walker) error {
	w := b.w
	if d.Next() != tObject {
		raw, err := d.Raw()
		if err == nil {
			b.any = true
			b.main().Blocks = append(b.main().Blocks, model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: w.a.bytes(raw)}})
		}
		return err
	}
	var f claudeBlock
	err := d.ObjBytes(func(d *walker, key []byte) error {
		if string(key) == "is_error" {
			v, err := boolean(d)
			f.isError = v
			f.fields = append(f.fields, rawField{key, []byte(fmt.Sprint(v))})
			return err
		}
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		f.fields = append(f.fields, rawField{key, raw})
		switch string(key) {
		case "type":
			f.typ = raw
		case "text":
			f.text = raw
		case "thinking":
			f.thinking = raw
		case "summaries":
			f.summaries = raw
		case "name":
			f.name = raw
		case "input":
			f.input = raw
		case "content":
			f.content = raw
		case "title":
			f.title = raw
		case "citations":
			f.citations = raw
		case "start_timestamp":
			f.start = raw
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.any = true
	s := w.rawStr
	typ := s(f.typ)
	switch typ {
	case "text":
		if m := b.addText(s(f.text), typ); m != nil {
			b.citations(m, f.citations)
		}
	case "voice_note":
		dir := "in"
		if b.base.Role() == model.RoleAssistant {
			dir = "out"
		}
		b.main().Blocks = append(b.main().Blocks, model.Block{Kind: model.BlockAudioTranscript, Text: s(f.text), Extra: &model.BlockExtra{Title: s(f.title), Direction: dir}}.WithType(typ))
	case "thinking":
		m := b.split(model.RoleAssistant, typ)
		b.blockTime(m, f.start)
		blk := model.Block{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{{Content: s(f.thinking)}}}}.WithType(typ)
		// Summaries are successive headlines; the last is the final one.
		_ = w.eachPart(f.summaries, func(d *walker) error {
			return obj(d, func(d *walker, k []byte) error {
				if string(k) != "summary" {
					return d.Skip()
				}
				t, err := w.str(d)
				if t != "" {
					blk.Ext().Summary = t
				}
				return err
			})
		})
		m.Blocks = append(m.Blocks, blk)
	case "tool_use":
		name := s(f.name)
		m := b.split(model.RoleAssistant, typ)
		b.blockTime(m, f.start)
		m.SetRecipient(nonEmpty(name, "tool"))
		m.Blocks = append(m.Blocks, w.claudeToolUse(name, f.input))
	case "tool_result":
		name := s(f.name)
		m := b.split(model.RoleTool, typ)
		b.blockTime(m, f.start)
		m.Ext().AuthorName = nonEmpty(name, "tool")
		m.SetRecipient("assistant")
		m.Blocks = w.claudeToolResult(name, f.content, f.isError)
	default:
		b.main().Blocks = append(b.main().Blocks, model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: w.rebuild(f.fields)}}.WithType(typ))
	}
	return nil
}

// blockTime dates a split segment by its block's start, when given.
func (b *claudeBuilder) blockTime(m *model.Message, raw []byte) {
	if len(raw) == 0 {
		return
	}
	d := getWalker(raw)
	defer putWalker(d)
	if t, err := epoch(d); err == nil && !t.IsZero() {
		m.SetTime(t)
	}
}

// citations adds a text block's citations as references (deduplicated by
// URL). Claude's start/end indices are not turned into inline markers: their
// unit (UTF-16 or code points) is undocumented.
func (b *claudeBuilder) citations(m *model.Message, raw []byte) {
	w := b.w
	_ = w.eachPart(raw, func(d *walker) error {
		var title, url string
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "title":
				title, err = w.str(d)
			case "url":
				var u string
				u, err = w.str(d)
				url = nonEmpty(url, u)
			case "details":
				err = obj(d, func(d *walker, k []byte) error {
					if string(k) != "url" {
						return d.Skip()
					}
					u, err := w.str(d)
					url = nonEmpty(url, u)
					return err
				})
			default:
				err = d.Skip()
			}
			return err
		})
		if title == "" && url == "" {
			return err
		}
		for _, r := range m.References() {
			if r.URL == url && url != "" {
				return err
			}
		}
		m.Ext().References = append(m.References(), model.Reference{N: len(m.References()) + 1, Title: title, URL: url})
		return err
	})
}
