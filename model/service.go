package model

// Values of Conversation.Service, one per export format the loader reads.
const (
	ServiceChatGPT  = "chatgpt"
	ServiceClaude   = "claude"
	ServiceDeepSeek = "deepseek"
	ServiceGrok     = "grok"
)

// OriginClaudeProject is the Conversation.Origin of a Claude project (from
// projects.json) that the loader surfaces as a conversation: its messages
// are the project's description, instructions and documents, not a chat.
const OriginClaudeProject = "claude_project"

// Services lists the distinct Service values of convs in order of first
// appearance. More than one means the archive mixes services, which is when
// lists should show a service marker.
func Services(convs []*Conversation) []string {
	var out []string
	for _, c := range convs {
		seen := false
		for _, s := range out {
			if s == c.Service {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, c.Service)
		}
	}
	return out
}

// AssistantName is how a service's assistant is called in role headers:
// "ChatGPT" for ChatGPT and unknown services, else the product's name.
func AssistantName(service string) string {
	switch service {
	case ServiceClaude:
		return "Claude"
	case ServiceDeepSeek:
		return "DeepSeek"
	case ServiceGrok:
		return "Grok"
	}
	return "ChatGPT"
}
