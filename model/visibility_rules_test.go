package model

import "testing"

func TestClassify(t *testing.T) {
	text := func(s string) []Block { return []Block{{Kind: BlockText, Text: s}} }
	img := []Block{{Kind: BlockImage, Asset: &Asset{Pointer: "sediment://file_1"}}}
	tests := []struct {
		name string
		m    *Message
		h    VisibilityHints
		want Visibility
	}{
		{"nil message", nil, VisibilityHints{}, Hidden},
		{"empty message", &Message{}, VisibilityHints{}, Hidden},
		{"user text", &Message{Role: RoleUser, Recipient: "all", ContentType: "text", Blocks: text("hi")}, VisibilityHints{}, Shown},
		{"user image only", &Message{Role: RoleUser, ContentType: "multimodal_text", Blocks: img}, VisibilityHints{}, Shown},
		{"user blank", &Message{Role: RoleUser, ContentType: "text", Blocks: text(" \n")}, VisibilityHints{}, Hidden},
		{"user voice transcript", &Message{Role: RoleUser, ContentType: "multimodal_text", Blocks: []Block{{Kind: BlockAudioTranscript, Text: "hello", Direction: "in"}}}, VisibilityHints{}, Shown},
		{"visually hidden", &Message{Role: RoleUser, Blocks: text("hi")}, VisibilityHints{VisuallyHidden: true}, Hidden},
		{"user editable context", &Message{Role: RoleUser, ContentType: "user_editable_context", Blocks: []Block{{Kind: BlockContext, Text: "I am…"}}}, VisibilityHints{}, Hidden},
		{"model editable context", &Message{Role: RoleAssistant, ContentType: "model_editable_context", Blocks: []Block{{Kind: BlockContext}}}, VisibilityHints{}, Hidden},
		{"context block only", &Message{Role: RoleUser, Blocks: []Block{{Kind: BlockContext, Text: "x"}}}, VisibilityHints{}, Hidden},
		{"system empty", &Message{Role: RoleSystem, ContentType: "text", Blocks: text("")}, VisibilityHints{}, Hidden},
		{"system prompt", &Message{Role: RoleSystem, ContentType: "text", Blocks: text("You are ChatGPT")}, VisibilityHints{}, Hidden},
		{"2023 custom instructions", &Message{Role: RoleSystem, Blocks: text("About me")}, VisibilityHints{UserSystemMessage: true}, Hidden},
		{"assistant text", &Message{Role: RoleAssistant, Recipient: "all", ContentType: "text", Blocks: text("answer")}, VisibilityHints{}, Shown},
		{"assistant final channel", &Message{Role: RoleAssistant, Recipient: "all", Channel: "final", Blocks: text("answer")}, VisibilityHints{}, Shown},
		{"assistant empty text", &Message{Role: RoleAssistant, Recipient: "all", ContentType: "text", Blocks: text("")}, VisibilityHints{}, Hidden},
		{"assistant no recipient", &Message{Role: RoleAssistant, Blocks: text("answer")}, VisibilityHints{}, Shown},
		{"assistant unknown block", &Message{Role: RoleAssistant, Recipient: "all", ContentType: "super_widget", Blocks: []Block{{Kind: BlockUnknown, Raw: []byte("{}")}}}, VisibilityHints{}, Shown},
		{"python call", &Message{Role: RoleAssistant, Recipient: "python", ContentType: "code", Blocks: []Block{{Kind: BlockCode, Text: "print(1)", Lang: "python"}}}, VisibilityHints{}, Folded},
		{"browser call", &Message{Role: RoleAssistant, Recipient: "browser", ContentType: "code", Blocks: []Block{{Kind: BlockCode, Text: `search("x")`}}}, VisibilityHints{}, Folded},
		{"plugin call", &Message{Role: RoleAssistant, Recipient: "show_me.get_MermaidRoute", ContentType: "text", Blocks: text(`{"a":1}`)}, VisibilityHints{}, Folded},
		{"canvas create", &Message{Role: RoleAssistant, Recipient: "canmore.create_textdoc", Channel: "commentary", ContentType: "code", Blocks: []Block{{Kind: BlockCanvas, Text: "doc"}}}, VisibilityHints{}, Folded},
		{"empty web.run call", &Message{Role: RoleAssistant, Recipient: "web.run", ContentType: "text", Blocks: text("")}, VisibilityHints{}, Hidden},
		{"thoughts", &Message{Role: RoleAssistant, Recipient: "all", ContentType: "thoughts", Blocks: []Block{{Kind: BlockThoughts, Thoughts: []Thought{{Summary: "s"}}}}}, VisibilityHints{}, Folded},
		{"reasoning recap", &Message{Role: RoleAssistant, Recipient: "all", ContentType: "reasoning_recap", Blocks: []Block{{Kind: BlockReasoningRecap, Text: "Thought for 29s"}}}, VisibilityHints{}, Folded},
		{"system error", &Message{Role: RoleAssistant, ContentType: "system_error", Blocks: []Block{{Kind: BlockSystemError, Text: "boom"}}}, VisibilityHints{}, Folded},
		{"execution output text", &Message{Role: RoleTool, AuthorName: "python", ContentType: "execution_output", Blocks: []Block{{Kind: BlockExecOutput, Text: "1"}}}, VisibilityHints{}, Folded},
		{"execution output plot", &Message{Role: RoleTool, AuthorName: "python", ContentType: "execution_output", Blocks: []Block{{Kind: BlockExecOutput, Images: []Asset{{Pointer: "file-1"}}}}}, VisibilityHints{}, Shown},
		{"browsing display", &Message{Role: RoleTool, AuthorName: "browser", ContentType: "tether_browsing_display", Blocks: []Block{{Kind: BlockBrowsing, Text: "page"}}}, VisibilityHints{}, Folded},
		{"tether quote", &Message{Role: RoleTool, AuthorName: "browser", ContentType: "tether_quote", Blocks: []Block{{Kind: BlockQuote, Text: "q"}}}, VisibilityHints{}, Folded},
		{"sonic webpage", &Message{Role: RoleTool, AuthorName: "web", ContentType: "sonic_webpage", Blocks: []Block{{Kind: BlockWebPage, Text: "p"}}}, VisibilityHints{}, Folded},
		{"plugin reply", &Message{Role: RoleTool, AuthorName: "show_me.get_MermaidRoute", ContentType: "text", Blocks: text("result")}, VisibilityHints{}, Folded},
		{"bio", &Message{Role: RoleTool, AuthorName: "bio", ContentType: "text", Blocks: text("Model set context updated.")}, VisibilityHints{}, Hidden},
		{"web.run results", &Message{Role: RoleTool, AuthorName: "web.run", ContentType: "text", Blocks: text("【turn0search0】…")}, VisibilityHints{}, Hidden},
		{"file_search", &Message{Role: RoleTool, AuthorName: "file_search", ContentType: "text", Blocks: text("The files are loaded")}, VisibilityHints{}, Hidden},
		{"dalle status text", &Message{Role: RoleTool, AuthorName: "dalle.text2im", ContentType: "text", Blocks: text("DALL·E displayed 1 images.")}, VisibilityHints{}, Hidden},
		{"dalle images", &Message{Role: RoleTool, AuthorName: "dalle.text2im", ContentType: "multimodal_text", Blocks: append(img, text("DALL·E displayed 1 images.")...)}, VisibilityHints{}, Shown},
		{"image generation", &Message{Role: RoleTool, AuthorName: "internal_tool", Channel: "final", ContentType: "multimodal_text", Blocks: img}, VisibilityHints{}, Shown},
		{"image generation hidden", &Message{Role: RoleTool, AuthorName: "internal_tool", ContentType: "multimodal_text", Blocks: img}, VisibilityHints{VisuallyHidden: true}, Hidden},
		{"canvas tool reply", &Message{Role: RoleTool, AuthorName: "canmore.create_textdoc", ContentType: "text", Blocks: text("Successfully created text document 'x'")}, VisibilityHints{}, Hidden},
		{"computer screenshot", &Message{Role: RoleTool, AuthorName: "computer.do", ContentType: "computer_output", Blocks: img}, VisibilityHints{}, Folded},
		{"empty tool text", &Message{Role: RoleTool, AuthorName: "python", ContentType: "text", Blocks: text("")}, VisibilityHints{}, Hidden},
		{"unknown role", &Message{Role: "function", Blocks: text("x")}, VisibilityHints{}, Folded},
		{"unknown role empty", &Message{Role: "function"}, VisibilityHints{}, Hidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.m, tt.h); got != tt.want {
				t.Errorf("Classify = %v, want %v", got, tt.want)
			}
		})
	}
}
