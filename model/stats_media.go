package model

import "strings"

// media counts m's images and audio, over every branch. An image pointer is
// counted once per conversation: image tools repeat it in progress messages
// and edited prompts repeat an upload on each branch.
func (acc *statsAcc) media(s *Stats, c *Conversation, m *Message) {
	voice := false
	for i := range m.Blocks {
		b := &m.Blocks[i]
		switch b.Kind {
		case BlockAudio:
			voice = true
			s.AudioClips++
			if b.Asset() != nil && b.Asset().Seconds > 0 {
				s.VoiceSeconds += b.Asset().Seconds
				s.VoiceTimed++
			}
		case BlockAudioTranscript:
			voice = true
		case BlockImage:
			if b.Asset() == nil || !acc.firstSight(b.Asset().Pointer) {
				continue
			}
			switch {
			case m.Role() == RoleUser:
				s.ImagesUploaded++
			case m.Role() != RoleAssistant && m.Role() != RoleTool:
				s.ImagesOther++
			case generatedImage(m, b.Asset()):
				s.ImagesGenerated++
			default:
				s.ImagesOther++
			}
		}
	}
	if voice {
		s.VoiceMessages++
	}
}

// firstSight reports whether an image pointer is new in this conversation.
// Images without a pointer are always new.
func (acc *statsAcc) firstSight(p string) bool {
	if p == "" {
		return true
	}
	if acc.seen == nil {
		acc.seen = map[string]struct{}{}
	}
	if _, dup := acc.seen[p]; dup {
		return false
	}
	acc.seen[p] = struct{}{}
	return true
}

// generatedImage reports whether an image of an assistant or tool message
// was generated: it has a DALL·E prompt, comes from a DALL·E tool, or is a
// sediment:// asset of a tool that is not a browser or computer (those post
// screenshots). gpt-image's tool has changing internal names
// ("t2uay3k.sj1i4kz", "internal_tool"), so the rule excludes rather than
// lists.
func generatedImage(m *Message, a *Asset) bool {
	if a.Prompt != "" || strings.HasPrefix(m.AuthorName(), "dalle") {
		return true
	}
	if !strings.HasPrefix(a.Pointer, "sediment://") {
		return false
	}
	for _, p := range []string{"browser", "computer", "container", "web"} {
		if strings.HasPrefix(m.AuthorName(), p) {
			return false
		}
	}
	return true
}
