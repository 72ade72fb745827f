package loader

// Claude tool calls and results: tool_use inputs and tool_result contents
// turned into blocks.

import (
	"github.com/backchat/backchat/model"
)

// claudeToolUse turns a tool call's input into a block: artifacts become
// canvas documents, repl code becomes code, anything else is its JSON input.
func (w *worker) claudeToolUse(name string, input []byte) model.Block {
	var in struct{ id, typ, title, command, content, language, code, newStr string }
	if len(input) > 0 && input[0] == '{' {
		d := getWalker(input)
		_ = d.ObjBytes(func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "id":
				in.id, err = w.str(d)
			case "type":
				in.typ, err = w.str(d)
			case "title":
				in.title, err = w.str(d)
			case "command":
				in.command, err = w.str(d)
			case "content":
				in.content, err = w.str(d)
			case "language":
				in.language, err = w.str(d)
			case "code":
				in.code, err = w.str(d)
			case "new_str":
				in.newStr, err = w.str(d)
			default:
				err = d.Skip()
			}
			return err
		})
		putWalker(d)
	}
	switch {
	case name == "artifacts" && (in.content != "" || in.newStr != ""):
		lang := in.typ
		if in.language != "" {
			lang = "code/" + in.language
		} else if in.typ == "text/markdown" || in.typ == "" {
			lang = "document"
		}
		return model.Block{Kind: model.BlockCanvas, Extra: &model.BlockExtra{Title: nonEmpty(in.title, in.id), Summary: in.command},
			Text: nonEmpty(in.content, in.newStr)}.WithLang(lang).WithType("tool_use")
	case in.code != "":
		lang := in.language
		if lang == "" && name == "repl" {
			lang = "javascript"
		}
		return model.Block{Kind: model.BlockCode, Text: in.code, Extra: &model.BlockExtra{Title: name}}.WithLang(lang).WithType("tool_use")
	}
	return model.Block{Kind: model.BlockCode, Text: w.a.str(input), Extra: &model.BlockExtra{Title: name}}.WithLang("json").WithType("tool_use")
}

// claudeToolResult turns a tool result's content into blocks: text items
// as text (a system error when is_error), web results ("knowledge") as
// pages, anything else kept raw.
func (w *worker) claudeToolResult(name string, content []byte, isError bool) []model.Block {
	var out []model.Block
	addText := func(t string) {
		if isError {
			out = append(out, model.Block{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: name}, Text: t}.WithType("tool_result"))
			return
		}
		out = append(out, model.Block{Kind: model.BlockText, Text: t}.WithType("tool_result"))
	}
	if len(content) > 0 && content[0] == '"' {
		addText(w.rawStr(content))
		return out
	}
	_ = w.eachPart(content, func(d *walker) error {
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		var typ, text, title, url string
		if len(raw) > 0 && raw[0] == '{' {
			_ = obj(getWalkerOnce(raw), func(d *walker, k []byte) error {
				var err error
				switch string(k) {
				case "type":
					typ, err = w.str(d)
				case "text":
					text, err = w.str(d)
				case "title":
					title, err = w.str(d)
				case "url":
					url, err = w.str(d)
				default:
					err = d.Skip()
				}
				return err
			})
		}
		switch typ {
		case "text":
			addText(text)
		case "knowledge":
			out = append(out, model.Block{Kind: model.BlockWebPage, Extra: &model.BlockExtra{Title: title, URL: url, Domain: domainOf(url)}, Text: text}.WithType(typ))
		default:
			out = append(out, model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: w.a.bytes(raw)}}.WithType(typ))
		}
		return nil
	})
	if isError && len(out) == 0 {
		out = append(out, model.Block{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: name}, Text: "the tool reported an error"}.WithType("tool_result"))
	}
	return out
}
