package search

// HitText is the text of the field hit h of conversation ci (numbered as
// in the index) lies in, as Text(ix.Conversation(ci), h) gives it, read
// through the index's own field records: a loaded index (LoadIndexTexts)
// reads it from its snapshot's text (a chunk decompressed alone and
// cached), so no message tree is decoded. false when the index holds no
// such field or its text cannot be read (a damaged conversation): ask Text
// then.
//
// A list row quotes its result's best hit (live.Excerpt.Text): under
// `backchat serve`, whose trees are released when nothing holds them
// (model.Conversation.ReleaseTreeWhenUnused), decoding a tree per row
// drawn was 90% of the trees decoded.
func (ix *Index) HitText(ci int, h Hit) (string, bool) {
	if ci < 0 || ci >= len(ix.convs) || len(ix.shards) == 0 {
		return "", false
	}
	sh := ix.shardOf(int32(ci))
	local := int32(ci) - sh.first
	if local < 0 || int(local)+1 >= len(sh.recStart) {
		return "", false
	}
	recs, disk := sh.convRecs(local)
	for i := range recs {
		if r := &recs[i]; r.node == h.Node && r.block == h.Block && r.field == h.Field && r.item == h.Item {
			if r.n == 0 || r.text == nil {
				return "", r.n == 0
			}
			return recText(r), true
		}
	}
	for i := range disk {
		if d := &disk[i]; d.node == h.Node && d.block == h.Block && d.field == h.Field && d.item == h.Item {
			r := d.withText(sh.textAt)
			if r.n == 0 || r.text == nil {
				return "", r.n == 0
			}
			return recText(&r), true
		}
	}
	return "", false
}
