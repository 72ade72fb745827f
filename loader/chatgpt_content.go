package loader

import (
	"bytes"
	"strings"

	"github.com/backchat/backchat/model"
)

// contentFields holds the content object's fields as raw bytes (valid while
// the input is) until content_type, which may come last, is known.
type contentFields struct {
	ctype                                     []byte
	parts                                     []byte
	text, language, result, summary           []byte // raw JSON strings
	url, domain, title, name, snippet         []byte
	contentStr                                []byte
	thoughts, screenshot, state               []byte
	workspaces, contextParts                  []byte
	userProfile, userInstructions, modelSetCx []byte
}

// content decodes message.content into typed blocks in one pass. Every
// field is captured raw (zero-copy) so an unknown content type keeps its
// JSON; text parts are decoded in place when content_type comes first (it
// does in real exports). Message-level metadata and the recipient are
// applied afterwards by finishBlocks, because they may come later.
func (w *worker) content(d *walker, m *model.Message) error {
	var f contentFields
	fields := w.fields[:0]
	inline := false
	err := d.ObjBytes(func(d *walker, key []byte) error {
		if string(key) == "parts" && (string(f.ctype) == "text" || string(f.ctype) == "multimodal_text") && d.Next() == tArray {
			inline = true
			return w.parts(d, m)
		}
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		fields = append(fields, rawField{key, raw})
		switch string(key) {
		case "content_type":
			if len(raw) > 1 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
				f.ctype = raw[1 : len(raw)-1]
			} else {
				f.ctype = []byte(w.rawStr(raw))
			}
			w.setContentType(m, f.ctype)
		case "parts":
			f.parts = raw
		case "text":
			f.text = raw
		case "language":
			f.language = raw
		case "result":
			f.result = raw
		case "summary":
			f.summary = raw
		case "url":
			f.url = raw
		case "domain":
			f.domain = raw
		case "title":
			f.title = raw
		case "name":
			f.name = raw
		case "snippet":
			f.snippet = raw
		case "content":
			f.contentStr = raw
		case "thoughts":
			f.thoughts = raw
		case "screenshot":
			f.screenshot = raw
		case "state":
			f.state = raw
		case "workspaces":
			f.workspaces = raw
		case "context_parts":
			f.contextParts = raw
		case "user_profile":
			f.userProfile = raw
		case "user_instructions":
			f.userInstructions = raw
		case "model_set_context":
			f.modelSetCx = raw
		}
		return nil
	})
	w.fields = fields[:0]
	if err != nil {
		return err
	}
	if inline {
		return nil
	}
	raw := func() []byte { return w.rebuild(fields) }
	ct := string(f.ctype)
	w.setContentType(m, f.ctype)
	s := w.rawStr
	add := func(b model.Block) {
		b.SetType(m.ContentType())
		if m.Blocks == nil {
			m.Blocks = w.blocks(1)
		}
		m.Blocks = append(m.Blocks, b)
	}
	switch ct {
	case "text", "multimodal_text":
		if len(f.parts) == 0 || f.parts[0] != '[' {
			add(model.Block{Kind: model.BlockText})
			return nil
		}
		pd := getWalker(f.parts)
		defer putWalker(pd)
		return w.parts(pd, m)
	case "code":
		add(model.Block{Kind: model.BlockCode, Text: s(f.text)}.WithLang(s(f.language)))
	case "execution_output":
		add(model.Block{Kind: model.BlockExecOutput, Text: s(f.text)})
	case "tether_quote":
		add(model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{URL: s(f.url), Domain: s(f.domain), Title: s(f.title)}, Text: s(f.text)})
	case "tether_browsing_display":
		add(model.Block{Kind: model.BlockBrowsing, Text: s(f.result), Extra: &model.BlockExtra{Summary: s(f.summary)}})
	case "sonic_webpage":
		add(model.Block{Kind: model.BlockWebPage, Extra: &model.BlockExtra{URL: s(f.url), Domain: s(f.domain), Title: s(f.title), Summary: s(f.snippet)}, Text: s(f.text)})
	case "thoughts":
		add(model.Block{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: w.thoughts(f.thoughts)}})
	case "reasoning_recap":
		add(model.Block{Kind: model.BlockReasoningRecap, Text: s(f.contentStr)})
	case "user_editable_context":
		add(model.Block{Kind: model.BlockContext, Text: joinNonEmpty("\n\n", s(f.userProfile), s(f.userInstructions))})
	case "model_editable_context":
		add(model.Block{Kind: model.BlockContext, Text: s(f.modelSetCx)})
	case "system_error":
		add(model.Block{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: s(f.name)}, Text: s(f.text)})
	case "computer_output":
		if len(f.screenshot) > 0 && f.screenshot[0] == '{' {
			if blk, ok := w.partObject(f.screenshot); ok {
				add(blk)
			}
		}
		if len(f.state) > 0 && f.state[0] == '{' {
			url, title := w.urlTitle(f.state)
			if url != "" || title != "" {
				add(model.Block{Kind: model.BlockText, Extra: &model.BlockExtra{Title: title, URL: url}, Text: joinNonEmpty("\n", title, url)})
			}
		}
		if len(m.Blocks) == 0 {
			add(model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: raw()}})
		}
	case "app_pairing_content":
		add(w.appPairing(f.workspaces, f.contextParts))
	default:
		add(model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: raw()}})
	}
	return nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func isCanvasCall(recipient string) bool {
	return strings.HasPrefix(recipient, "canmore.create_textdoc") || strings.HasPrefix(recipient, "canmore.update_textdoc")
}

// thoughts reads [{summary, content}, …].
func (w *worker) thoughts(raw []byte) []model.Thought {
	var out []model.Thought
	_ = w.eachPart(raw, func(d *walker) error {
		var t model.Thought
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "summary":
				t.Summary, err = w.str(d)
			case "content":
				t.Content, err = w.str(d)
			default:
				err = d.Skip()
			}
			return err
		})
		out = append(out, t)
		return err
	})
	return out
}

// urlTitle reads url and title of a computer_output state.
func (w *worker) urlTitle(raw []byte) (url, title string) {
	d := getWalker(raw)
	defer putWalker(d)
	_ = d.ObjBytes(func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "url":
			url, err = w.str(d)
		case "title":
			title, err = w.str(d)
		default:
			err = d.Skip()
		}
		return err
	})
	return url, title
}

// appPairing summarises desktop "work with apps" content: app names and
// titles in Title, the shared context text in Text.
func (w *worker) appPairing(workspaces, contextParts []byte) model.Block {
	var titles, texts []string
	_ = w.eachPart(workspaces, func(d *walker) error {
		var app, title string
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "app_name":
				app, err = w.str(d)
			case "title":
				title, err = w.str(d)
			default:
				err = d.Skip()
			}
			return err
		})
		titles = append(titles, joinNonEmpty(": ", app, title))
		return err
	})
	_ = w.eachPart(contextParts, func(d *walker) error {
		return obj(d, func(d *walker, k []byte) error {
			if string(k) != "text" {
				return d.Skip()
			}
			t, err := w.str(d)
			texts = append(texts, t)
			return err
		})
	})
	return model.Block{Kind: model.BlockContext, Extra: &model.BlockExtra{Title: joinNonEmpty(", ", titles...)}, Text: joinNonEmpty("\n\n", texts...)}
}

// setContentType sets m's content type from the export's bytes: a shared
// string when it is one, else a copy in the arena (a type the model packs
// keeps neither, see model/packed.go).
func (w *worker) setContentType(m *model.Message, ctype []byte) {
	if c, ok := w.share(ctype); ok {
		m.SetContentType(c)
	} else {
		m.SetContentType(w.a.str(ctype))
	}
}
