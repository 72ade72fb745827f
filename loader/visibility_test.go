package loader

import (
	"testing"

	"github.com/backchat/backchat/model"
)

func TestClassify(t *testing.T) {
	text := func(s string) []model.Block { return []model.Block{{Kind: model.BlockText, Text: s}} }
	img := []model.Block{{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://file_1"}}}}
	tests := []struct {
		name string
		m    *model.Message
		h    visibilityHints
		want model.Visibility
	}{
		{"nil message", nil, visibilityHints{}, model.Hidden},
		{"empty message", &model.Message{}, visibilityHints{}, model.Hidden},
		{"user text", &model.Message{Role: model.RoleUser, Recipient: "all", ContentType: "text", Blocks: text("hi")}, visibilityHints{}, model.Shown},
		{"user image only", &model.Message{Role: model.RoleUser, ContentType: "multimodal_text", Blocks: img}, visibilityHints{}, model.Shown},
		{"user blank", &model.Message{Role: model.RoleUser, ContentType: "text", Blocks: text(" \n")}, visibilityHints{}, model.Hidden},
		{"user voice transcript", &model.Message{Role: model.RoleUser, ContentType: "multimodal_text", Blocks: []model.Block{{Kind: model.BlockAudioTranscript, Text: "hello", Extra: &model.BlockExtra{Direction: "in"}}}}, visibilityHints{}, model.Shown},
		{"visually hidden", &model.Message{Role: model.RoleUser, Blocks: text("hi")}, visibilityHints{VisuallyHidden: true}, model.Hidden},
		{"user editable context", &model.Message{Role: model.RoleUser, ContentType: "user_editable_context", Blocks: []model.Block{{Kind: model.BlockContext, Text: "I am…"}}}, visibilityHints{}, model.Hidden},
		{"model editable context", &model.Message{Role: model.RoleAssistant, ContentType: "model_editable_context", Blocks: []model.Block{{Kind: model.BlockContext}}}, visibilityHints{}, model.Hidden},
		{"context block only", &model.Message{Role: model.RoleUser, Blocks: []model.Block{{Kind: model.BlockContext, Text: "x"}}}, visibilityHints{}, model.Hidden},
		{"system empty", &model.Message{Role: model.RoleSystem, ContentType: "text", Blocks: text("")}, visibilityHints{}, model.Hidden},
		{"system prompt", &model.Message{Role: model.RoleSystem, ContentType: "text", Blocks: text("You are ChatGPT")}, visibilityHints{}, model.Hidden},
		{"2023 custom instructions", &model.Message{Role: model.RoleSystem, Blocks: text("About me")}, visibilityHints{UserSystemMessage: true}, model.Hidden},
		{"assistant text", &model.Message{Role: model.RoleAssistant, Recipient: "all", ContentType: "text", Blocks: text("answer")}, visibilityHints{}, model.Shown},
		{"assistant final channel", &model.Message{Role: model.RoleAssistant, Recipient: "all", Extra: &model.MessageExtra{Channel: "final"}, Blocks: text("answer")}, visibilityHints{}, model.Shown},
		{"assistant empty text", &model.Message{Role: model.RoleAssistant, Recipient: "all", ContentType: "text", Blocks: text("")}, visibilityHints{}, model.Hidden},
		{"assistant no recipient", &model.Message{Role: model.RoleAssistant, Blocks: text("answer")}, visibilityHints{}, model.Shown},
		{"assistant unknown block", &model.Message{Role: model.RoleAssistant, Recipient: "all", ContentType: "super_widget", Blocks: []model.Block{{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte("{}")}}}}, visibilityHints{}, model.Folded},
		{"text and unknown block", &model.Message{Role: model.RoleAssistant, Recipient: "all", Blocks: []model.Block{{Kind: model.BlockText, Text: "answer"}, {Kind: model.BlockUnknown, Type: "super_widget", Extra: &model.BlockExtra{Raw: []byte("{}")}}}}, visibilityHints{}, model.Shown},
		{"only a token budget", &model.Message{Role: model.RoleAssistant, Blocks: []model.Block{{Kind: model.BlockUnknown, Type: "token_budget", Extra: &model.BlockExtra{Raw: []byte(`{"type":"token_budget"}`)}}}}, visibilityHints{}, model.Hidden},
		{"agent tool exception", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, ContentType: "system_error", Blocks: []model.Block{{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: "ChatGPTAgentToolException"}, Text: "Before doing anything else, explicitly explain to the user…"}}}, visibilityHints{}, model.Hidden},
		{"other tool error", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "python"}, ContentType: "system_error", Blocks: []model.Block{{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: "GetDownloadLinkError"}, Text: "link expired"}}}, visibilityHints{}, model.Folded},
		{"scrambled tool's text", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, Recipient: "assistant", Blocks: text("GPT-4o returned 1 images. From now on, do not say or show ANYTHING.")}, visibilityHints{}, model.Hidden},
		{"scrambled tool's image", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, Blocks: []model.Block{{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://file_1"}}}}}, visibilityHints{}, model.Shown},
		{"python call", &model.Message{Role: model.RoleAssistant, Recipient: "python", ContentType: "code", Blocks: []model.Block{{Kind: model.BlockCode, Text: "print(1)", Lang: "python"}}}, visibilityHints{}, model.Folded},
		{"browser call", &model.Message{Role: model.RoleAssistant, Recipient: "browser", ContentType: "code", Blocks: []model.Block{{Kind: model.BlockCode, Text: `search("x")`}}}, visibilityHints{}, model.Folded},
		{"plugin call", &model.Message{Role: model.RoleAssistant, Recipient: "show_me.get_MermaidRoute", ContentType: "text", Blocks: text(`{"a":1}`)}, visibilityHints{}, model.Folded},
		{"canvas create", &model.Message{Role: model.RoleAssistant, Recipient: "canmore.create_textdoc", Extra: &model.MessageExtra{Channel: "commentary"}, ContentType: "code", Blocks: []model.Block{{Kind: model.BlockCanvas, Text: "doc"}}}, visibilityHints{}, model.Folded},
		{"empty web.run call", &model.Message{Role: model.RoleAssistant, Recipient: "web.run", ContentType: "text", Blocks: text("")}, visibilityHints{}, model.Hidden},
		{"thoughts", &model.Message{Role: model.RoleAssistant, Recipient: "all", ContentType: "thoughts", Blocks: []model.Block{{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{{Summary: "s"}}}}}}, visibilityHints{}, model.Folded},
		{"reasoning recap", &model.Message{Role: model.RoleAssistant, Recipient: "all", ContentType: "reasoning_recap", Blocks: []model.Block{{Kind: model.BlockReasoningRecap, Text: "Thought for 29s"}}}, visibilityHints{}, model.Folded},
		{"system error", &model.Message{Role: model.RoleAssistant, ContentType: "system_error", Blocks: []model.Block{{Kind: model.BlockSystemError, Text: "boom"}}}, visibilityHints{}, model.Folded},
		{"execution output text", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "python"}, ContentType: "execution_output", Blocks: []model.Block{{Kind: model.BlockExecOutput, Text: "1"}}}, visibilityHints{}, model.Folded},
		{"execution output plot", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "python"}, ContentType: "execution_output", Blocks: []model.Block{{Kind: model.BlockExecOutput, Extra: &model.BlockExtra{Images: []model.Asset{{Pointer: "file-1"}}}}}}, visibilityHints{}, model.Shown},
		{"browsing display", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "browser"}, ContentType: "tether_browsing_display", Blocks: []model.Block{{Kind: model.BlockBrowsing, Text: "page"}}}, visibilityHints{}, model.Folded},
		{"tether quote", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "browser"}, ContentType: "tether_quote", Blocks: []model.Block{{Kind: model.BlockQuote, Text: "q"}}}, visibilityHints{}, model.Folded},
		{"sonic webpage", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "web"}, ContentType: "sonic_webpage", Blocks: []model.Block{{Kind: model.BlockWebPage, Text: "p"}}}, visibilityHints{}, model.Folded},
		{"plugin reply", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "show_me.get_MermaidRoute"}, ContentType: "text", Blocks: text("result")}, visibilityHints{}, model.Folded},
		{"bio", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "bio"}, ContentType: "text", Blocks: text("Model set context updated.")}, visibilityHints{}, model.Hidden},
		{"web.run results", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "web.run"}, ContentType: "text", Blocks: text("【turn0search0】…")}, visibilityHints{}, model.Hidden},
		{"file_search", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "file_search"}, ContentType: "text", Blocks: text("The files are loaded")}, visibilityHints{}, model.Hidden},
		{"dalle status text", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "dalle.text2im"}, ContentType: "text", Blocks: text("DALL·E displayed 1 images.")}, visibilityHints{}, model.Hidden},
		{"dalle images", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "dalle.text2im"}, ContentType: "multimodal_text", Blocks: append(img, text("DALL·E displayed 1 images.")...)}, visibilityHints{}, model.Shown},
		{"image generation", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "internal_tool", Channel: "final"}, ContentType: "multimodal_text", Blocks: img}, visibilityHints{}, model.Shown},
		{"image generation hidden", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "internal_tool"}, ContentType: "multimodal_text", Blocks: img}, visibilityHints{VisuallyHidden: true}, model.Hidden},
		{"canvas tool reply", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "canmore.create_textdoc"}, ContentType: "text", Blocks: text("Successfully created text document 'x'")}, visibilityHints{}, model.Hidden},
		{"computer screenshot", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "computer.do"}, ContentType: "computer_output", Blocks: img}, visibilityHints{}, model.Folded},
		{"empty tool text", &model.Message{Role: model.RoleTool, Extra: &model.MessageExtra{AuthorName: "python"}, ContentType: "text", Blocks: text("")}, visibilityHints{}, model.Hidden},
		{"unknown role", &model.Message{Role: "function", Blocks: text("x")}, visibilityHints{}, model.Folded},
		{"unknown role empty", &model.Message{Role: "function"}, visibilityHints{}, model.Hidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.m, tt.h); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
		})
	}
}
