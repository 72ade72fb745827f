package model

import "testing"

// Accounts, shared conversations and ratings reach the stats.
func TestStatsSideFiles(t *testing.T) {
	up := &Feedback{Rating: FeedbackUp}
	down := &Feedback{Rating: FeedbackDown}
	a := &Archive{
		Accounts: []Account{{Service: ServiceClaude, Name: "Ann", Email: "a@example.com", Source: "users.json"}},
		Conversations: []*Conversation{
			{ID: "1", Shared: true, Nodes: []Node{{Parent: NoNode, Msg: withPacked(&Message{Extra: &MessageExtra{Feedback: up}}, packedFields{Role: RoleAssistant})}}},
			{ID: "2", Nodes: []Node{{Parent: NoNode, Msg: withPacked(&Message{Extra: &MessageExtra{Feedback: down}}, packedFields{Role: RoleAssistant})}, {Parent: 0, Msg: withPacked(&Message{Extra: &MessageExtra{Feedback: up}}, packedFields{Role: RoleAssistant})}}},
		},
	}
	s := ComputeStats(a, nil)
	if s.Shared != 1 || s.RatedUp != 2 || s.RatedDown != 1 {
		t.Errorf("shared %d, up %d, down %d", s.Shared, s.RatedUp, s.RatedDown)
	}
	if len(s.Accounts) != 1 || s.Accounts[0] != (AccountStats{Service: ServiceClaude, Name: "Ann", Email: "a@example.com"}) {
		t.Errorf("accounts = %+v", s.Accounts)
	}
}
