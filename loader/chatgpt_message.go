package loader

import (
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/backchat/backchat/model"
)

// msgMeta is what a message's metadata says that the model needs.
type msgMeta struct {
	modelSlug string
	hints     visibilityHints
	seconds   float64 // finished_duration_sec
	images    []model.Asset
	cites     citationMeta
	pages     []refItem // _cite_metadata.metadata_list (2023 browsing)
	// finishedText is metadata.finished_text ("Thought for 1m 34s", in the
	// user's language): early-2025 o1/o3 reasoning came as tool messages
	// carrying it.
	finishedText string
}

// attachment is one metadata.attachments entry (names uploaded files).
type attachment struct {
	name, mime string
}

// msgID reads message.id, sharing the node key's string when they are
// equal (they nearly always are) instead of copying it again.
func (w *worker) msgID(d *walker) (string, error) {
	if d.Next() != tString {
		return "", d.Skip()
	}
	b, err := d.StrBytes()
	if err != nil {
		return "", err
	}
	if w.nodeKey != "" && string(b) == w.nodeKey {
		return w.nodeKey, nil
	}
	return w.a.str(b), nil
}

// message decodes a message object. content and metadata are captured raw
// first because metadata (which content needs) may come after content.
func (w *worker) message(d *walker) (*model.Message, error) {
	m := w.newMessage()
	var mm msgMeta
	w.decoded = "" // onlyString's, of this message only
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "id":
			m.ID, err = w.msgID(d)
		case "author":
			if d.Next() != tObject {
				return d.Skip()
			}
			err = d.ObjBytes(func(d *walker, k []byte) error {
				var err error
				switch string(k) {
				case "role":
					var r string
					r, err = w.common(d)
					m.SetRole(model.Role(r))
				case "name":
					var name string
					if name, err = w.common(d); name != "" {
						m.Ext().AuthorName = name
					}
				default:
					err = d.Skip()
				}
				return err
			})
		case "create_time":
			var t time.Time
			t, err = epoch(d)
			m.SetTime(t)
		case "content":
			if d.Next() == tObject {
				err = w.content(d, m)
			} else {
				err = d.Skip()
			}
		case "status":
			var s string
			s, err = w.common(d)
			m.SetStatus(s)
		case "end_turn":
			if d.Next() == tBool {
				var v bool
				v, err = d.Bool()
				m.SetEndTurn(v)
			} else {
				err = d.Skip()
			}
		case "metadata":
			if d.Next() == tObject {
				err = w.metadata(d, &mm)
			} else {
				err = d.Skip()
			}
		case "recipient":
			var r string
			r, err = w.common(d)
			m.SetRecipient(r)
		case "channel":
			var ch string
			if ch, err = w.str(d); ch != "" {
				m.Ext().Channel = ch
			}
		default:
			err = d.Skip()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.SetModel(mm.modelSlug)
	w.finishBlocks(m, &mm)
	w.finishText(m, &mm)
	m.Visibility = classify(m, mm.hints)
	return m, nil
}

// finishBlocks applies what only the whole message tells: canvas payloads
// (by recipient), code-interpreter images and reasoning durations (from
// metadata).
func (w *worker) finishBlocks(m *model.Message, mm *msgMeta) {
	if m.Role() == model.RoleTool && mm.finishedText != "" && textOnlyBlocks(m) {
		m.Blocks = reasoningBlocks(m, mm)
		return
	}
	if isCanvasCall(m.Recipient()) && len(m.Blocks) == 1 {
		// The payload is JSON: code text (usual), a text part holding a
		// JSON string, or (older) the part itself as an object.
		payload := []byte(m.Blocks[0].Text)
		switch m.Blocks[0].Kind {
		case model.BlockCode, model.BlockText:
		case model.BlockUnknown:
			payload = m.Blocks[0].Raw()
		default:
			payload = nil
		}
		if blk, ups, ok := w.canvas(m.Recipient(), payload); ok {
			blk.SetType(m.Blocks[0].Type())
			m.Blocks[0] = blk
			if ups != nil {
				w.edits = append(w.edits, canvasEdit{m: m, updates: ups})
			}
		}
	}
	for i := range m.Blocks {
		b := &m.Blocks[i]
		switch b.Kind {
		case model.BlockExecOutput:
			if len(mm.images) > 0 {
				b.Ext().Images = mm.images
				for j := range b.Images() {
					w.resolve(&b.Images()[j], false)
				}
				mm.images = nil
			}
		case model.BlockReasoningRecap:
			if mm.seconds != 0 {
				b.Ext().Seconds = mm.seconds
			}
		case model.BlockBrowsing:
			// 2023 browsing results name their pages only in _cite_metadata.
			if len(mm.pages) > 0 && b.URL() == "" {
				b.Ext().Title, b.Ext().URL = mm.pages[0].Title, mm.pages[0].URL
			}
			if len(m.References()) == 0 {
				for j, p := range mm.pages {
					m.Ext().References = append(m.References(), model.Reference{N: j + 1, Title: p.Title, URL: p.URL})
				}
			}
		}
	}
}

// finishText resolves citations in text blocks and normalises assistant math.
func (w *worker) finishText(m *model.Message, mm *msgMeta) {
	for i := range m.Blocks {
		b := &m.Blocks[i]
		if b.Kind != model.BlockText {
			continue
		}
		orig := b.Text
		// Users do not write citation markers; leave their text alone. The
		// text onlyString decoded knows whether it may hold one, or math.
		ruledOut := func(f textFacts) bool {
			return len(b.Text) == len(w.decoded) && unsafe.StringData(b.Text) == unsafe.StringData(w.decoded) && w.decodedFacts&f == 0
		}
		if m.Role() != model.RoleUser && (!mm.cites.Empty() || !ruledOut(mayMark) && hasMarkers(b.Text)) {
			text, refs := applyCitations(b.Text, &mm.cites, len(m.References()))
			b.Text = text
			m.Ext().References = append(m.References(), refs...)
		}
		if m.Role() == model.RoleAssistant && !ruledOut(hasSlash) {
			b.Text = model.NormalizeMath(b.Text)
		}
		// A rewritten text goes over the decoded one in the arena (its
		// Go-heap copy is left to the GC). A part's text is its block's
		// alone; a block with Extra may share it (a title), and so may a
		// reference a marker made (its label is cut from the text).
		if b.Extra == nil && (len(b.Text) != len(orig) || unsafe.StringData(b.Text) != unsafe.StringData(orig)) &&
			!refsInside(m.References(), orig) {
			if s, ok := w.a.rewrite(orig, b.Text); ok {
				b.Text = s
			}
		}
	}
}

// refsInside reports whether a reference's title or URL lies in text's
// bytes (which a rewrite would then overwrite).
func refsInside(refs []model.Reference, text string) bool {
	lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	hi := lo + uintptr(len(text))
	in := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > 0 && p >= lo && p < hi
	}
	for _, r := range refs {
		if in(r.Title) || in(r.URL) {
			return true
		}
	}
	return false
}

// metadata decodes the message metadata keys the model needs.
func (w *worker) metadata(d *walker, mm *msgMeta) error {
	return d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "model_slug":
			mm.modelSlug, err = w.common(d)
		case "is_visually_hidden_from_conversation":
			mm.hints.VisuallyHidden, err = boolean(d)
		case "is_user_system_message":
			mm.hints.UserSystemMessage, err = boolean(d)
		case "finished_duration_sec":
			mm.seconds, _, err = number(d)
		case "finished_text":
			mm.finishedText, err = w.str(d)
		case "aggregate_result":
			err = w.aggregate(d, mm)
		case "content_references":
			err = w.contentRefs(d, mm)
		case "citations":
			err = w.legacyCitations(d, mm)
		case "search_result_groups":
			err = w.searchGroups(d, mm)
		case "attachments":
			err = w.attachments(d)
		case "_cite_metadata":
			err = obj(d, func(d *walker, k []byte) error {
				if string(k) != "metadata_list" {
					return d.Skip()
				}
				var err error
				mm.pages, err = w.refItems(d, mm.pages)
				return err
			})
		default:
			err = d.Skip()
		}
		return err
	})
}

// aggregate reads code-interpreter images from aggregate_result.messages.
func (w *worker) aggregate(d *walker, mm *msgMeta) error {
	return obj(d, func(d *walker, key []byte) error {
		if string(key) != "messages" {
			return d.Skip()
		}
		return arr(d, func(d *walker) error {
			var a model.Asset
			err := obj(d, func(d *walker, k []byte) error {
				var err error
				switch string(k) {
				case "image_url":
					a.Pointer, err = w.str(d)
				case "width":
					var f float64
					f, _, err = number(d)
					a.Width = int(f)
				case "height":
					var f float64
					f, _, err = number(d)
					a.Height = int(f)
				default:
					err = d.Skip()
				}
				return err
			})
			if err == nil && a.Pointer != "" {
				mm.images = append(mm.images, a)
			}
			return err
		})
	})
}

// refItems reads items[] / fallback_items[] / sources[] entries.
func (w *worker) refItems(d *walker, items []refItem) ([]refItem, error) {
	err := arr(d, func(d *walker) error {
		var it refItem
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "title":
				it.Title, err = w.str(d)
			case "url":
				it.URL, err = w.str(d)
			default:
				err = d.Skip()
			}
			return err
		})
		if it.Title != "" || it.URL != "" {
			items = append(items, it)
		}
		return err
	})
	return items, err
}

func optInt(d *walker) (int, error) {
	f, ok, err := number(d)
	if !ok {
		return -1, err
	}
	return int(f), nil
}

func (w *worker) contentRefs(d *walker, mm *msgMeta) error {
	return arr(d, func(d *walker) error {
		r := contentRef{StartIdx: -1, EndIdx: -1}
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "matched_text":
				r.MatchedText, err = w.str(d)
			case "start_idx":
				r.StartIdx, err = optInt(d)
			case "end_idx":
				r.EndIdx, err = optInt(d)
			case "type":
				r.Type, err = w.str(d)
			case "title":
				r.Title, err = w.str(d)
			case "url":
				r.URL, err = w.str(d)
			case "alt":
				r.Alt, err = w.str(d)
			case "items", "fallback_items", "sources":
				r.Items, err = w.refItems(d, r.Items)
			default:
				err = d.Skip()
			}
			return err
		})
		mm.cites.ContentRefs = append(mm.cites.ContentRefs, r)
		return err
	})
}

func (w *worker) legacyCitations(d *walker, mm *msgMeta) error {
	return arr(d, func(d *walker) error {
		c := legacyCitation{StartIx: -1, EndIx: -1}
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "start_ix":
				c.StartIx, err = optInt(d)
			case "end_ix":
				c.EndIx, err = optInt(d)
			case "metadata":
				err = obj(d, func(d *walker, k []byte) error {
					var err error
					switch string(k) {
					case "title":
						c.Title, err = w.str(d)
					case "url":
						c.URL, err = w.str(d)
					default:
						err = d.Skip()
					}
					return err
				})
			default:
				err = d.Skip()
			}
			return err
		})
		mm.cites.Legacy = append(mm.cites.Legacy, c)
		return err
	})
}

func (w *worker) searchGroups(d *walker, mm *msgMeta) error {
	return arr(d, func(d *walker) error {
		return obj(d, func(d *walker, k []byte) error {
			if string(k) != "entries" {
				return d.Skip()
			}
			return arr(d, func(d *walker) error {
				var r searchResult
				var turn, idx int = -1, -1
				var typ string
				err := obj(d, func(d *walker, k []byte) error {
					var err error
					switch string(k) {
					case "title":
						r.Title, err = w.str(d)
					case "url":
						r.URL, err = w.str(d)
					case "ref_id":
						err = obj(d, func(d *walker, k []byte) error {
							var err error
							switch string(k) {
							case "turn_index":
								turn, err = optInt(d)
							case "ref_type":
								var b []byte
								b, err = rawStr(d)
								typ = string(b)
							case "ref_index":
								idx, err = optInt(d)
							default:
								err = d.Skip()
							}
							return err
						})
					default:
						err = d.Skip()
					}
					return err
				})
				if turn >= 0 && idx >= 0 && typ != "" {
					r.Key = fmt.Sprintf("turn%d%s%d", turn, typ, idx)
				}
				mm.cites.SearchResults = append(mm.cites.SearchResults, r)
				return err
			})
		})
	})
}

// attachments remembers upload names by file id, for asset names.
func (w *worker) attachments(d *walker) error {
	return arr(d, func(d *walker) error {
		var id, name, mime string
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "id":
				id, err = w.str(d)
			case "name":
				name, err = w.str(d)
			case "mime_type":
				mime, err = w.str(d)
			default:
				err = d.Skip()
			}
			return err
		})
		if id != "" {
			if w.attach == nil {
				w.attach = make(map[string]attachment)
			}
			w.attach[id] = attachment{name: name, mime: mime}
		}
		return err
	})
}

// textOnlyBlocks reports whether m has blocks and all are text.
func textOnlyBlocks(m *model.Message) bool {
	for i := range m.Blocks {
		if m.Blocks[i].Kind != model.BlockText {
			return false
		}
	}
	return len(m.Blocks) > 0
}

// reasoningBlocks turns the text of an early-2025 reasoning message (a tool
// message with metadata.finished_text, whose text is "**Step title**"
// paragraphs) into what the web UI shows: a "Thought for …" recap and the
// reasoning steps.
func reasoningBlocks(m *model.Message, mm *msgMeta) []model.Block {
	typ := m.Blocks[0].Type()
	var text strings.Builder
	for i := range m.Blocks {
		if i > 0 {
			text.WriteString("\n\n")
		}
		text.WriteString(m.Blocks[i].Text)
	}
	out := []model.Block{model.Block{Kind: model.BlockReasoningRecap, Text: mm.finishedText, Extra: &model.BlockExtra{Seconds: mm.seconds}}.WithType(typ)}
	if steps := reasoningSteps(text.String()); len(steps) > 0 {
		out = append(out, model.Block{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: steps}}.WithType(typ))
	}
	return out
}

// reasoningSteps splits reasoning text at lines that are only a bold title
// ("**Converting code style**"); text before the first title is a step of
// its own without a title.
func reasoningSteps(text string) []model.Thought {
	var out []model.Thought
	var cur *model.Thought
	var body []string
	flush := func() {
		if cur != nil {
			cur.Content = strings.TrimSpace(strings.Join(body, "\n"))
			if cur.Summary != "" || cur.Content != "" {
				out = append(out, *cur)
			}
		}
		body = body[:0]
	}
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if len(t) > 4 && strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**") && !strings.Contains(t[2:len(t)-2], "**") {
			flush()
			cur = &model.Thought{Summary: t[2 : len(t)-2]}
			continue
		}
		if cur == nil {
			cur = &model.Thought{}
		}
		body = append(body, l)
	}
	flush()
	return out
}
