package loader

// TEMPORARY (h-cli branch): a minimal encoding/json loader so the CLI compiles
// and its tests run. The integrator deletes this file in favour of the real
// loader.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/backchat/backchat/model"
)

type tmpConv struct {
	ID       string             `json:"id"`
	Title    *string            `json:"title"`
	Create   *float64           `json:"create_time"`
	Update   *float64           `json:"update_time"`
	Current  string             `json:"current_node"`
	Model    string             `json:"default_model_slug"`
	Archived bool               `json:"is_archived"`
	Starred  *bool              `json:"is_starred"`
	Gizmo    *string            `json:"gizmo_id"`
	Mapping  map[string]tmpNode `json:"mapping"`
}

type tmpNode struct {
	Parent   *string  `json:"parent"`
	Children []string `json:"children"`
	Message  *struct {
		ID     string `json:"id"`
		Author struct {
			Role string  `json:"role"`
			Name *string `json:"name"`
		} `json:"author"`
		Create    *float64 `json:"create_time"`
		Recipient string   `json:"recipient"`
		Channel   *string  `json:"channel"`
		Content   struct {
			Type  string            `json:"content_type"`
			Parts []json.RawMessage `json:"parts"`
			Text  string            `json:"text"`
			Lang  string            `json:"language"`
		} `json:"content"`
		Metadata struct {
			Hidden bool   `json:"is_visually_hidden_from_conversation"`
			Slug   string `json:"model_slug"`
		} `json:"metadata"`
	} `json:"message"`
}

func tmpTime(f *float64) time.Time {
	if f == nil || *f <= 0 {
		return time.Time{}
	}
	s, frac := math.Modf(*f)
	return time.Unix(int64(s), int64(frac*1e9)).UTC()
}

// OpenContext is a temporary stand-in for the real loader.
func OpenContext(ctx context.Context, opts Options, paths ...string) (*model.Archive, error) {
	a := &model.Archive{Sources: paths}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			p = filepath.Join(p, "conversations.json")
		}
		data, err := os.ReadFile(p)
		if err != nil {
			a.Warnings = append(a.Warnings, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: err.Error()})
			continue
		}
		var raws []json.RawMessage
		if d := bytes.TrimSpace(data); len(d) > 0 && d[0] == '{' {
			raws = []json.RawMessage{d}
		} else if err := json.Unmarshal(data, &raws); err != nil {
			a.Warnings = append(a.Warnings, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: err.Error()})
			continue
		}
		for i, raw := range raws {
			var w tmpConv
			if err := json.Unmarshal(raw, &w); err != nil {
				a.Warnings = append(a.Warnings, model.Warning{Kind: model.WarnSkipped, File: p, Index: i, Offset: -1, Reason: err.Error()})
				continue
			}
			c := tmpConvert(&w, p)
			a.Conversations = append(a.Conversations, c)
			if opts.OnConversation != nil {
				opts.OnConversation(c)
			}
		}
		if opts.Progress != nil {
			opts.Progress(int64(len(data)), int64(len(data)))
		}
	}
	sort.SliceStable(a.Conversations, func(i, j int) bool {
		return a.Conversations[i].SortTime().After(a.Conversations[j].SortTime())
	})
	if len(a.Conversations) == 0 && len(a.Warnings) > 0 {
		return a, errors.New("loader: nothing could be loaded")
	}
	return a, nil
}

func tmpConvert(w *tmpConv, src string) *model.Conversation {
	c := &model.Conversation{ID: w.ID, Created: tmpTime(w.Create), Updated: tmpTime(w.Update),
		Model: w.Model, Archived: w.Archived, Source: src, Current: model.NoNode, CurrentKey: w.Current}
	if w.Title != nil {
		c.Title = *w.Title
	}
	if w.Starred != nil {
		c.Starred = *w.Starred
	}
	if w.Gizmo != nil {
		c.GizmoID = *w.Gizmo
	}
	keys := make([]string, 0, len(w.Mapping))
	for k := range w.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	idx := make(map[string]int32, len(keys))
	for i, k := range keys {
		idx[k] = int32(i)
	}
	for _, k := range keys {
		n := w.Mapping[k]
		node := model.Node{Key: k, Parent: model.NoNode}
		if n.Parent != nil {
			if p, ok := idx[*n.Parent]; ok {
				node.Parent = p
			}
		}
		for _, ch := range n.Children {
			if j, ok := idx[ch]; ok {
				node.Children = append(node.Children, j)
			}
		}
		if m := n.Message; m != nil {
			msg := &model.Message{ID: m.ID, Role: model.Role(m.Author.Role), Recipient: m.Recipient,
				Time: tmpTime(m.Create), Model: m.Metadata.Slug, ContentType: m.Content.Type}
			if m.Author.Name != nil {
				msg.AuthorName = *m.Author.Name
			}
			if m.Channel != nil {
				msg.Channel = *m.Channel
			}
			msg.Blocks = tmpBlocks(m.Content.Type, m.Content.Parts, m.Content.Text, m.Content.Lang)
			msg.Visibility = model.Classify(msg, model.VisibilityHints{VisuallyHidden: m.Metadata.Hidden})
			node.Msg = msg
		}
		c.Nodes = append(c.Nodes, node)
	}
	if j, ok := idx[w.Current]; ok {
		c.Current = j
	}
	return c
}

func tmpBlocks(ct string, parts []json.RawMessage, text, lang string) []model.Block {
	switch ct {
	case "code":
		return []model.Block{{Kind: model.BlockCode, Text: text, Lang: lang, Type: ct}}
	case "execution_output":
		return []model.Block{{Kind: model.BlockExecOutput, Text: text, Type: ct}}
	case "text", "multimodal_text":
	default:
		return []model.Block{{Kind: model.BlockUnknown, Type: ct}}
	}
	var out []model.Block
	for _, p := range parts {
		var s string
		if json.Unmarshal(p, &s) == nil {
			if s != "" {
				out = append(out, model.Block{Kind: model.BlockText, Text: s, Type: ct})
			}
			continue
		}
		var o struct {
			Type    string `json:"content_type"`
			Pointer string `json:"asset_pointer"`
			Size    int64  `json:"size_bytes"`
			Width   int    `json:"width"`
			Height  int    `json:"height"`
			Text    string `json:"text"`
			Dir     string `json:"direction"`
		}
		if err := json.Unmarshal(p, &o); err != nil {
			out = append(out, model.Block{Kind: model.BlockUnknown, Type: fmt.Sprintf("part: %v", err)})
			continue
		}
		switch o.Type {
		case "image_asset_pointer":
			out = append(out, model.Block{Kind: model.BlockImage, Type: o.Type, Asset: &model.Asset{
				Pointer: o.Pointer, Missing: true, Size: o.Size, Width: o.Width, Height: o.Height}})
		case "audio_transcription":
			out = append(out, model.Block{Kind: model.BlockAudioTranscript, Type: o.Type, Text: o.Text, Direction: o.Dir})
		default:
			out = append(out, model.Block{Kind: model.BlockUnknown, Type: o.Type, Raw: p})
		}
	}
	return out
}
