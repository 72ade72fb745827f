package gen

import (
	"bufio"
	"io"
	"strconv"
)

// WriteChain writes a conversations.json array holding one conversation
// whose mapping is a single chain of n messages (alternating user and
// assistant) under the root, with current_node on the last one. Loaders use
// it to prove their walks are iterative: a 100,000-node chain overflows any
// recursive descent. It is generated at test time rather than committed.
// The conversation id is "chain-<n>"; node i (1-based) has id "n<i>".
func WriteChain(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 1024)
	const t0 = 1735689600.0
	buf = append(buf, `[{"title": "Chain of `...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, ` messages", "create_time": 1735689600.0, "update_time": `...)
	buf = AppendFloat(buf, t0+float64(n))
	buf = append(buf, `, "mapping": {"n0": {"id": "n0", "message": null, "parent": null, "children": [`...)
	if n > 0 {
		buf = append(buf, `"n1"`...)
	}
	buf = append(buf, "]}"...)
	for i := 1; i <= n; i++ {
		if len(buf) > 32<<10 {
			if _, err := bw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		id := "n" + strconv.Itoa(i)
		role := "user"
		if i%2 == 0 {
			role = "assistant"
		}
		buf = append(buf, `, "`...)
		buf = append(buf, id...)
		buf = append(buf, `": {"id": "`...)
		buf = append(buf, id...)
		buf = append(buf, `", "message": {"id": "`...)
		buf = append(buf, id...)
		buf = append(buf, `", "author": {"role": "`...)
		buf = append(buf, role...)
		buf = append(buf, `", "name": null, "metadata": {}}, "create_time": `...)
		buf = AppendFloat(buf, t0+float64(i))
		buf = append(buf, `, "update_time": null, "content": {"content_type": "text", "parts": ["message `...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `"]}, "status": "finished_successfully", "end_turn": null, "weight": 1.0, "metadata": {}, "recipient": "all", "channel": null}, "parent": "n`...)
		buf = strconv.AppendInt(buf, int64(i-1), 10)
		buf = append(buf, `", "children": [`...)
		if i < n {
			buf = append(buf, `"n`...)
			buf = strconv.AppendInt(buf, int64(i+1), 10)
			buf = append(buf, '"')
		}
		buf = append(buf, "]}"...)
	}
	buf = append(buf, `}, "moderation_results": [], "current_node": "n`...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, `", "conversation_id": "chain-`...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, `", "id": "chain-`...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, `"}]`...)
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}
