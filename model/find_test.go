package model

import (
	"errors"
	"strings"
	"testing"
)

func TestArchiveFind(t *testing.T) {
	a := &Archive{Conversations: []*Conversation{
		{ID: "abc-123", Title: "First"},
		{ID: "abc-124", Title: "Second"},
		{ID: "abd-999"},
		nil,
		{ID: "abc", Title: "Exact short"},
		{ID: "x1\x1b[2J", Title: "evil\x1b]52;c;QQ==\x07"},
		{ID: "x2", Title: "t"},
	}}
	tests := []struct {
		arg     string
		wantID  string
		wantErr error
		errHas  []string
	}{
		{arg: "abc-123", wantID: "abc-123"},
		{arg: "abc", wantID: "abc"}, // exact beats prefix
		{arg: "abd", wantID: "abd-999"},
		{arg: "abc-12", wantErr: ErrAmbiguous, errHas: []string{"2 conversations", "abc-123 (First)", "abc-124 (Second)"}},
		{arg: "zzz", wantErr: ErrNotFound, errHas: []string{`"zzz"`}},
		{arg: "", wantErr: ErrNotFound},
		{arg: "x", wantErr: ErrAmbiguous, errHas: []string{"x1␛[2J (evil␛]52;c;QQ==␇)", "x2 (t)"}},
	}
	for _, tt := range tests {
		c, err := a.Find(tt.arg)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) || c != nil {
				t.Errorf("Find(%q) = %v, %v; want error %v", tt.arg, c, err, tt.wantErr)
				continue
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Find(%q) error %q lacks %q", tt.arg, err, s)
				}
			}
			if strings.ContainsAny(err.Error(), "\x1b\x07") {
				t.Errorf("Find(%q) error holds control characters: %q", tt.arg, err)
			}
			continue
		}
		if err != nil || c == nil || c.ID != tt.wantID {
			t.Errorf("Find(%q) = %v, %v; want %s", tt.arg, c, err, tt.wantID)
		}
	}
}

func TestArchiveFindManyCandidates(t *testing.T) {
	a := &Archive{}
	for _, id := range []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7"} {
		a.Conversations = append(a.Conversations, &Conversation{ID: id})
	}
	_, err := a.Find("p")
	if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), "and 2 more") || strings.Contains(err.Error(), "p6") {
		t.Errorf("error = %v", err)
	}
	var nilArchive *Archive
	if _, err := nilArchive.Find("p"); !errors.Is(err, ErrNotFound) {
		t.Errorf("nil archive: %v", err)
	}
}

func TestHasBranches(t *testing.T) {
	flat := &Conversation{Nodes: []Node{Node{Parent: NoNode}.WithChildren([]int32{1}), {Parent: 0}}}
	forked := &Conversation{Nodes: []Node{Node{Parent: NoNode}.WithChildren([]int32{1, 2}), {Parent: 0}, {Parent: 0}}}
	if (&Conversation{}).HasBranches() || flat.HasBranches() {
		t.Error("unbranched conversation reports branches")
	}
	if !forked.HasBranches() {
		t.Error("forked conversation reports no branches")
	}
}
