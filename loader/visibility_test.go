package loader

import (
	"testing"

	"github.com/backchat/backchat/internal/testkit/msgkit"
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
		{"user text", msgkit.With(msgkit.With(&model.Message{Blocks: text("hi")}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{Recipient: "all", ContentType: "text"}), visibilityHints{}, model.Shown},
		{"user image only", msgkit.With(msgkit.With(&model.Message{Blocks: img}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{ContentType: "multimodal_text"}), visibilityHints{}, model.Shown},
		{"user blank", msgkit.With(msgkit.With(&model.Message{Blocks: text(" \n")}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"user voice transcript", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockAudioTranscript, Text: "hello", Extra: &model.BlockExtra{Direction: "in"}}}}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{ContentType: "multimodal_text"}), visibilityHints{}, model.Shown},
		{"visually hidden", msgkit.With(&model.Message{Blocks: text("hi")}, msgkit.Fields{Role: model.RoleUser}), visibilityHints{VisuallyHidden: true}, model.Hidden},
		{"user editable context", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockContext, Text: "I am…"}}}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{ContentType: "user_editable_context"}), visibilityHints{}, model.Hidden},
		{"model editable context", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockContext}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{ContentType: "model_editable_context"}), visibilityHints{}, model.Hidden},
		{"context block only", msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockContext, Text: "x"}}}, msgkit.Fields{Role: model.RoleUser}), visibilityHints{}, model.Hidden},
		{"system empty", msgkit.With(msgkit.With(&model.Message{Blocks: text("")}, msgkit.Fields{Role: model.RoleSystem}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"system prompt", msgkit.With(msgkit.With(&model.Message{Blocks: text("You are ChatGPT")}, msgkit.Fields{Role: model.RoleSystem}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"2023 custom instructions", msgkit.With(&model.Message{Blocks: text("About me")}, msgkit.Fields{Role: model.RoleSystem}), visibilityHints{UserSystemMessage: true}, model.Hidden},
		{"assistant text", msgkit.With(msgkit.With(&model.Message{Blocks: text("answer")}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", ContentType: "text"}), visibilityHints{}, model.Shown},
		{"assistant final channel", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{Channel: "final"}, Blocks: text("answer")}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all"}), visibilityHints{}, model.Shown},
		{"assistant empty text", msgkit.With(msgkit.With(&model.Message{Blocks: text("")}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"assistant no recipient", msgkit.With(&model.Message{Blocks: text("answer")}, msgkit.Fields{Role: model.RoleAssistant}), visibilityHints{}, model.Shown},
		{"assistant unknown block", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte("{}")}}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", ContentType: "super_widget"}), visibilityHints{}, model.Folded},
		{"text and unknown block", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "answer"}, model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte("{}")}}.WithType("super_widget")}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all"}), visibilityHints{}, model.Shown},
		{"only a token budget", msgkit.With(&model.Message{Blocks: []model.Block{model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte(`{"type":"token_budget"}`)}}.WithType("token_budget")}}, msgkit.Fields{Role: model.RoleAssistant}), visibilityHints{}, model.Hidden},
		{"agent tool exception", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, Blocks: []model.Block{{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: "ChatGPTAgentToolException"}, Text: "Before doing anything else, explicitly explain to the user…"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "system_error"}), visibilityHints{}, model.Hidden},
		{"other tool error", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "python"}, Blocks: []model.Block{{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: "GetDownloadLinkError"}, Text: "link expired"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "system_error"}), visibilityHints{}, model.Folded},
		{"scrambled tool's text", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, Blocks: text("GPT-4o returned 1 images. From now on, do not say or show ANYTHING.")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Recipient: "assistant"}), visibilityHints{}, model.Hidden},
		{"scrambled tool's image", msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, Blocks: []model.Block{{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://file_1"}}}}}, msgkit.Fields{Role: model.RoleTool}), visibilityHints{}, model.Shown},
		{"python call", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{model.Block{Kind: model.BlockCode, Text: "print(1)"}.WithLang("python")}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "python", ContentType: "code"}), visibilityHints{}, model.Folded},
		{"browser call", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockCode, Text: `search("x")`}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "browser", ContentType: "code"}), visibilityHints{}, model.Folded},
		{"plugin call", msgkit.With(msgkit.With(&model.Message{Blocks: text(`{"a":1}`)}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "show_me.get_MermaidRoute", ContentType: "text"}), visibilityHints{}, model.Folded},
		{"canvas create", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{Channel: "commentary"}, Blocks: []model.Block{{Kind: model.BlockCanvas, Text: "doc"}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "canmore.create_textdoc", ContentType: "code"}), visibilityHints{}, model.Folded},
		{"empty web.run call", msgkit.With(msgkit.With(&model.Message{Blocks: text("")}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "web.run", ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"thoughts", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{{Summary: "s"}}}}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", ContentType: "thoughts"}), visibilityHints{}, model.Folded},
		{"reasoning recap", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockReasoningRecap, Text: "Thought for 29s"}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", ContentType: "reasoning_recap"}), visibilityHints{}, model.Folded},
		{"system error", msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockSystemError, Text: "boom"}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{ContentType: "system_error"}), visibilityHints{}, model.Folded},
		{"execution output text", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "python"}, Blocks: []model.Block{{Kind: model.BlockExecOutput, Text: "1"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "execution_output"}), visibilityHints{}, model.Folded},
		{"execution output plot", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "python"}, Blocks: []model.Block{{Kind: model.BlockExecOutput, Extra: &model.BlockExtra{Images: []model.Asset{{Pointer: "file-1"}}}}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "execution_output"}), visibilityHints{}, model.Shown},
		{"browsing display", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "browser"}, Blocks: []model.Block{{Kind: model.BlockBrowsing, Text: "page"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "tether_browsing_display"}), visibilityHints{}, model.Folded},
		{"tether quote", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "browser"}, Blocks: []model.Block{{Kind: model.BlockQuote, Text: "q"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "tether_quote"}), visibilityHints{}, model.Folded},
		{"sonic webpage", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "web"}, Blocks: []model.Block{{Kind: model.BlockWebPage, Text: "p"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "sonic_webpage"}), visibilityHints{}, model.Folded},
		{"plugin reply", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "show_me.get_MermaidRoute"}, Blocks: text("result")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Folded},
		{"bio", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "bio"}, Blocks: text("Model set context updated.")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"web.run results", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "web.run"}, Blocks: text("【turn0search0】…")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"file_search", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "file_search"}, Blocks: text("The files are loaded")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"dalle status text", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "dalle.text2im"}, Blocks: text("DALL·E displayed 1 images.")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"dalle images", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "dalle.text2im"}, Blocks: append(img, text("DALL·E displayed 1 images.")...)}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "multimodal_text"}), visibilityHints{}, model.Shown},
		{"image generation", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "internal_tool", Channel: "final"}, Blocks: img}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "multimodal_text"}), visibilityHints{}, model.Shown},
		{"image generation hidden", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "internal_tool"}, Blocks: img}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "multimodal_text"}), visibilityHints{VisuallyHidden: true}, model.Hidden},
		{"canvas tool reply", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "canmore.create_textdoc"}, Blocks: text("Successfully created text document 'x'")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"computer screenshot", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "computer.do"}, Blocks: img}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "computer_output"}), visibilityHints{}, model.Folded},
		{"empty tool text", msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "python"}, Blocks: text("")}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{ContentType: "text"}), visibilityHints{}, model.Hidden},
		{"unknown role", msgkit.With(&model.Message{Blocks: text("x")}, msgkit.Fields{Role: "function"}), visibilityHints{}, model.Folded},
		{"unknown role empty", msgkit.With(&model.Message{}, msgkit.Fields{Role: "function"}), visibilityHints{}, model.Hidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.m, tt.h); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
		})
	}
}
