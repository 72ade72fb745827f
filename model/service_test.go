package model

import (
	"slices"
	"testing"
)

func TestServices(t *testing.T) {
	cs := []*Conversation{{Service: ServiceClaude}, {Service: ServiceChatGPT}, {Service: ServiceClaude}, {Service: ""}}
	if got := Services(cs); !slices.Equal(got, []string{"claude", "chatgpt", ""}) {
		t.Errorf("Services = %q", got)
	}
	if got := Services(cs[:1]); len(got) != 1 {
		t.Errorf("one service: %q", got)
	}
	if got := Services(nil); got != nil {
		t.Errorf("none: %q", got)
	}
}
