package model

import "time"

// packedFields are a test message's packed fields (model/packed.go); zero
// values are left unset.
type packedFields struct {
	Role      Role
	Time      time.Time
	Recipient string
	Model     string
}

// withPacked sets f's non-zero fields on m and returns m.
func withPacked(m *Message, f packedFields) *Message {
	if f.Role != "" {
		m.SetRole(f.Role)
	}
	if !f.Time.IsZero() {
		m.SetTime(f.Time)
	}
	if f.Recipient != "" {
		m.SetRecipient(f.Recipient)
	}
	if f.Model != "" {
		m.SetModel(f.Model)
	}
	return m
}
