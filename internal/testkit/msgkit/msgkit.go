// Package msgkit builds model.Messages in one expression for tests: the
// fields model packs (model/packed.go) are set through setters, not in a
// composite literal.
package msgkit

import (
	"slices"
	"time"

	"github.com/backchat/backchat/model"
)

// Fields are a message's packed fields; zero values are left unset.
type Fields struct {
	Role                           model.Role
	Time                           time.Time
	Recipient, Status, ContentType string
	Model                          string
	EndTurn                        *bool
}

// With sets f's non-zero fields on m and returns m.
func With(m *model.Message, f Fields) *model.Message {
	if f.Role != "" {
		m.SetRole(f.Role)
	}
	if !f.Time.IsZero() {
		m.SetTime(f.Time)
	}
	if f.Recipient != "" {
		m.SetRecipient(f.Recipient)
	}
	if f.Status != "" {
		m.SetStatus(f.Status)
	}
	if f.ContentType != "" {
		m.SetContentType(f.ContentType)
	}
	if f.Model != "" {
		m.SetModel(f.Model)
	}
	if f.EndTurn != nil {
		m.SetEndTurn(*f.EndTurn)
	}
	return m
}

// SameChildren compares two trees' Children in full: reflect.DeepEqual
// follows a Node's pointer to its first child only (model/packed.go).
func SameChildren(a, b []model.Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ka, kb := a[i].Children(), b[i].Children()
		if (ka == nil) != (kb == nil) || !slices.Equal(ka, kb) {
			return false
		}
	}
	return true
}
