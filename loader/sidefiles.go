package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/model"
)

// Side files (docs/formats.md#chatgpt-side-files): the files of an export
// beside its conversations. They are small, so they are read whole with
// encoding/json before the conversations, and applied to each conversation
// as it is collected (before anyone else sees it):
//
//   - user.json (ChatGPT) and users.json (Claude): the account →
//     Archive.Accounts;
//   - message_feedback.json: thumbs up/down per message → Message.Feedback
//     (spelled thumbsUp/thumbsDown in 2023, thumbs_up/thumbs_down later;
//     the comment is a JSON string in 2023, an object later);
//   - shared_conversations.json: conversations shared by link →
//     Conversation.Shared, ShareID;
//   - model_comparisons.json: answer comparisons → Conversation.Comparisons.
//
// Any other data file (.json, .jsonl, .html, .index) in a folder holding a
// conversation file that backchat does not read is named once in the
// warnings ("not read: shopping.json"), never ignored silently.

// maxSideFile bounds the size of a side file read whole.
const maxSideFile = 256 << 20

// sideData is what the side files of one export (one path) hold.
type sideData struct {
	accounts    []model.Account
	feedback    map[string]map[string]*model.Feedback // conversation id (sideID) → message id → rating
	shared      map[string]string                     // conversation id (sideID) → share id
	comparisons map[string][]model.Comparison         // conversation id (sideID) → comparisons
	warnings    []model.Warning

	// Which ratings found their message (apply), for unmatched.
	feedbackFiles []string                 // the message_feedback.json files read
	seenConv      map[string]bool          // conversation ids (sideID) with ratings met
	usedFeedback  map[*model.Feedback]bool // ratings attached to a message
}

// sideID normalises a conversation id for matching: feedback files of 2023
// write some ids without dashes.
func sideID(id string) string {
	return strings.ToLower(strings.ReplaceAll(id, "-", ""))
}

// sideFile is one file of an export, as found in a folder or a ZIP.
type sideFile struct {
	name string // path or "archive.zip:entry"
	dir  string // folder inside the export ("" or "a/b")
	base string
	open func() (io.ReadCloser, error)
}

// readSideFiles reads the side files of the export at p, and those among
// inner, the files of its inner ZIPs (listed by expandZip, which holds
// them open). A folder or ZIP gets "not read" warnings for its unread data
// files; a conversation file given on its own only has its neighbours'
// known side files read.
func readSideFiles(p string, inner []sideFile) *sideData {
	sd := &sideData{}
	fi, err := os.Stat(p)
	if err != nil {
		return sd
	}
	var files []sideFile
	named := true
	switch {
	case fi.IsDir():
		files = dirFiles(p)
	case isZipFile(p):
		if zr, err := zip.OpenReader(p); err == nil { // else expand reports an unreadable ZIP
			defer zr.Close()
			files = zipFiles(&zr.Reader, p)
		}
		files = append(files, inner...)
	default:
		base := filepath.Base(p)
		if !convFileRe.MatchString(base) {
			return sd
		}
		named = false
		dir := filepath.Dir(p)
		for _, n := range []string{"user.json", "users.json", "message_feedback.json", "shared_conversations.json", "model_comparisons.json"} {
			q := filepath.Join(dir, n)
			if st, err := os.Stat(q); err == nil && st.Mode().IsRegular() {
				files = append(files, sideFile{name: q, base: n, open: func() (io.ReadCloser, error) { return os.Open(q) }})
			}
		}
	}
	sd.read(files, named)
	return sd
}

// isZipFile reports whether p starts with a ZIP signature.
func isZipFile(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [2]byte
	n, _ := io.ReadFull(f, magic[:])
	return n == 2 && magic == [2]byte{'P', 'K'}
}

// dirFiles lists the regular files below dir, skipping what expandDir
// skips.
func dirFiles(dir string) []sideFile {
	var out []sideFile
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == "__MACOSX" || (p != dir && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(p))
		out = append(out, sideFile{name: p, dir: filepath.ToSlash(rel), base: d.Name(), open: func() (io.ReadCloser, error) { return os.Open(p) }})
		return nil
	})
	return out
}

// zipFiles lists the entries of zr (not those of its inner ZIPs: expandZip
// lists them).
func zipFiles(zr *zip.Reader, p string) []sideFile {
	var out []sideFile
	for _, zf := range zr.File {
		name := zf.Name
		if strings.HasSuffix(name, "/") || strings.HasPrefix(name, "__MACOSX/") || strings.Contains(name, "/__MACOSX/") {
			continue
		}
		dir := path.Dir(name)
		if dir == "." {
			dir = ""
		}
		out = append(out, sideFile{name: p + ":" + name, dir: dir, base: path.Base(name), open: zf.Open})
	}
	return out
}

// read reads the known side files among files and, when named, reports
// the unread data files of every folder holding a conversation file.
func (sd *sideData) read(files []sideFile, named bool) {
	roots := make(map[string]bool)
	for _, f := range files {
		if convFileRe.MatchString(f.base) || chatHTMLName(f.base) {
			roots[f.dir] = true
		}
	}
	for _, f := range files {
		var err error
		switch f.base {
		case "user.json", "users.json":
			err = sd.readFile(f, sd.account)
		case "message_feedback.json":
			err = sd.readFile(f, sd.feedbackFile)
		case "shared_conversations.json":
			err = sd.readFile(f, sd.sharedFile)
		case "model_comparisons.json":
			err = sd.readFile(f, sd.comparisonsFile)
		default:
			if named && roots[f.dir] && unreadDataFile(f.base) {
				sd.warnings = append(sd.warnings, model.Warning{Kind: model.WarnFile, File: f.name, Index: -1, Offset: -1,
					Reason: "not read: " + model.SanitizeLine(f.base) + " (backchat does not use this file of the export)"})
			}
			continue
		}
		if err != nil {
			sd.warnings = append(sd.warnings, model.Warning{Kind: model.WarnFile, File: f.name, Index: -1, Offset: -1,
				Reason: "not read: " + model.SanitizeLine(f.base) + ": " + model.SanitizeLine(err.Error())})
		}
	}
}

// unreadDataFile reports whether a file beside the conversations is data
// a reader might expect backchat to use: JSON, JSON Lines, HTML, indexes.
// The conversation files, chat.html and the asset name map are read
// elsewhere; media files are assets.
func unreadDataFile(base string) bool {
	switch {
	case convFileRe.MatchString(base) || chatHTMLName(base) || base == "conversation_asset_file_names.json":
		return false // read elsewhere
	case base == "export_manifest.json" || base == "conversations.json.index":
		return false // they only describe the other files of a 2026 export
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".json", ".jsonl", ".html", ".htm", ".index":
		return true
	}
	return false
}

// readFile reads a side file whole and hands it to parse.
func (sd *sideData) readFile(f sideFile, parse func(name string, b []byte) error) error {
	rc, err := f.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSideFile+1))
	if err != nil {
		return err
	}
	if len(b) > maxSideFile {
		return fmt.Errorf("larger than %d MiB", maxSideFile>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return parse(f.name, b)
}

// unwrap returns the array inside {"key": […]} wrappers that some tools
// write, or b itself.
func unwrap(b []byte, key string) []byte {
	var w map[string]json.RawMessage
	if len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] == '{' && json.Unmarshal(b, &w) == nil {
		if inner, ok := w[key]; ok {
			return inner
		}
	}
	return b
}

// account reads ChatGPT's user.json ({id, email, chatgpt_plus_user, …}) or
// Claude's users.json ([{uuid, full_name, email_address, …}]).
func (sd *sideData) account(name string, b []byte) error {
	type user struct {
		ID       string `json:"id"`
		UUID     string `json:"uuid"`
		Email    string `json:"email"`
		EmailAdr string `json:"email_address"`
		Name     string `json:"name"`
		FullName string `json:"full_name"`
		Plus     *bool  `json:"chatgpt_plus_user"`
	}
	var users []user
	b = unwrap(b, "users")
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var u user
		if err := json.Unmarshal(b, &u); err != nil {
			return err
		}
		users = append(users, u)
	} else if err := json.Unmarshal(b, &users); err != nil {
		return err
	}
	for _, u := range users {
		a := model.Account{ID: u.ID, Name: u.Name, Email: u.Email, Source: name}
		if a.ID == "" {
			a.ID = u.UUID
		}
		if a.Name == "" {
			a.Name = u.FullName
		}
		if a.Email == "" {
			a.Email = u.EmailAdr
		}
		switch {
		case u.Plus != nil:
			a.Service = model.ServiceChatGPT
			a.Plan = "Free"
			if *u.Plus {
				a.Plan = "Plus"
			}
		case strings.HasPrefix(a.ID, "user-"):
			a.Service = model.ServiceChatGPT
		case u.UUID != "" || u.FullName != "" || u.EmailAdr != "":
			a.Service = model.ServiceClaude
		}
		if a.ID != "" || a.Email != "" || a.Name != "" {
			sd.accounts = append(sd.accounts, a)
		}
	}
	return nil
}

// feedbackFile reads message_feedback.json: [{id (the message), conversation_id,
// rating, create_time, content (a JSON string or object: {text, tags})}].
func (sd *sideData) feedbackFile(name string, b []byte) error {
	var rows []struct {
		ID      string          `json:"id"`
		Conv    string          `json:"conversation_id"`
		Rating  string          `json:"rating"`
		Time    string          `json:"create_time"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	sd.feedbackFiles = append(sd.feedbackFiles, name)
	for _, r := range rows {
		if r.ID == "" || r.Rating == "" {
			continue
		}
		fb := &model.Feedback{Rating: feedbackRating(r.Rating)}
		fb.Time, _ = time.Parse(time.RFC3339Nano, r.Time)
		fb.Text, fb.Tags = feedbackContent(r.Content)
		if sd.feedback == nil {
			sd.feedback = make(map[string]map[string]*model.Feedback)
		}
		k := sideID(r.Conv)
		if sd.feedback[k] == nil {
			sd.feedback[k] = make(map[string]*model.Feedback)
		}
		sd.feedback[k][r.ID] = fb
	}
	return nil
}

// feedbackRating maps the export's spellings onto FeedbackUp/Down.
func feedbackRating(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "")) {
	case "thumbsup", "up", "like", "good":
		return model.FeedbackUp
	case "thumbsdown", "down", "dislike", "bad":
		return model.FeedbackDown
	}
	return s
}

// feedbackContent reads a rating's comment: an object {text, tags}, or
// (2023) the same object written as a JSON string.
func feedbackContent(raw json.RawMessage) (string, []string) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	var c struct {
		Text string   `json:"text"`
		Tags []string `json:"tags"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return "", nil
	}
	return c.Text, c.Tags
}

// sharedFile reads shared_conversations.json: [{id, conversation_id, title,
// is_anonymous}].
func (sd *sideData) sharedFile(_ string, b []byte) error {
	var rows []struct {
		ID   string `json:"id"`
		Conv string `json:"conversation_id"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Conv == "" {
			continue
		}
		if sd.shared == nil {
			sd.shared = make(map[string]string)
		}
		sd.shared[sideID(r.Conv)] = r.ID
	}
	return nil
}

// comparisonsFile reads model_comparisons.json in its two shapes: 2023
// {input: {conversation_id}, output: {feedback_step_2:
// {completion_comparison_rating, original_turn[], new_turn[]}},
// create_time} and later {conversation_id, rating, original_message_id,
// new_message_id, create_time}.
func (sd *sideData) comparisonsFile(_ string, b []byte) error {
	type turn struct {
		ID string `json:"id"`
	}
	var rows []struct {
		Conv     string `json:"conversation_id"`
		Rating   string `json:"rating"`
		Original string `json:"original_message_id"`
		New      string `json:"new_message_id"`
		Time     string `json:"create_time"`
		Input    struct {
			Conv string `json:"conversation_id"`
		} `json:"input"`
		Output struct {
			Step2 struct {
				Rating   string `json:"completion_comparison_rating"`
				Original []turn `json:"original_turn"`
				New      []turn `json:"new_turn"`
			} `json:"feedback_step_2"`
		} `json:"output"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	last := func(ts []turn) string {
		if len(ts) == 0 {
			return ""
		}
		return ts[len(ts)-1].ID
	}
	for _, r := range rows {
		c := model.Comparison{Preferred: r.Rating, Original: r.Original, New: r.New}
		conv := r.Conv
		if conv == "" {
			conv = r.Input.Conv
			c.Preferred = r.Output.Step2.Rating
			c.Original, c.New = last(r.Output.Step2.Original), last(r.Output.Step2.New)
		}
		if conv == "" {
			continue
		}
		c.Time, _ = time.Parse(time.RFC3339Nano, r.Time)
		if sd.comparisons == nil {
			sd.comparisons = make(map[string][]model.Comparison)
		}
		k := sideID(conv)
		sd.comparisons[k] = append(sd.comparisons[k], c)
	}
	for _, cs := range sd.comparisons {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Time.Before(cs[j].Time) })
	}
	return nil
}

// apply attaches the side data to a freshly decoded conversation (before
// it is handed to anyone).
func (sd *sideData) apply(c *model.Conversation) {
	if sd == nil || c.ID == "" || (sd.feedback == nil && sd.shared == nil && sd.comparisons == nil) {
		return
	}
	k := sideID(c.ID)
	if id, ok := sd.shared[k]; ok {
		c.Shared, c.ShareID = true, id
	}
	if cs := sd.comparisons[k]; len(cs) > 0 {
		c.Comparisons = cs
	}
	fb := sd.feedback[k]
	if len(fb) == 0 {
		return
	}
	if sd.seenConv == nil {
		sd.seenConv = make(map[string]bool)
		sd.usedFeedback = make(map[*model.Feedback]bool)
	}
	sd.seenConv[k] = true
	for i := range c.Nodes {
		m := c.Nodes[i].Msg
		if m == nil {
			continue
		}
		f, ok := fb[m.ID]
		if !ok {
			f, ok = fb[c.Nodes[i].Key]
		}
		if ok {
			m.Ext().Feedback = f
			sd.usedFeedback[f] = true
		}
	}
}

// unmatched reports, once, the ratings that found no message after the
// load: their conversation is not in the export (or was not loaded), or
// it is but holds no message of that id. Called when every conversation
// has been applied.
func (sd *sideData) unmatched() []model.Warning {
	if sd == nil || len(sd.feedback) == 0 {
		return nil
	}
	noConv, noMsg := 0, 0
	for k, fb := range sd.feedback {
		for _, f := range fb {
			switch {
			case !sd.seenConv[k]:
				noConv++
			case !sd.usedFeedback[f]:
				noMsg++
			}
		}
	}
	var parts []string
	if noConv > 0 {
		parts = append(parts, fmt.Sprintf("%d %s for conversations not in this export (or not loaded)", noConv, plural(noConv, "rating", "ratings")))
	}
	if noMsg > 0 {
		parts = append(parts, fmt.Sprintf("%d %s for messages not in their conversation", noMsg, plural(noMsg, "rating", "ratings")))
	}
	if len(parts) == 0 {
		return nil
	}
	file := strings.Join(sd.feedbackFiles, ", ")
	return []model.Warning{{Kind: model.WarnData, File: file, Index: -1, Offset: -1,
		Reason: strings.Join(parts, "; ") + "; not shown"}}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sideSet holds the side data of every export of a load, by export index.
type sideSet []*sideData

// add reads the side files of export e at p (inner: the files of its inner
// ZIPs) and returns their warnings.
func (s *sideSet) add(e int, p string, inner []sideFile) []model.Warning {
	for len(*s) <= e {
		*s = append(*s, nil)
	}
	(*s)[e] = readSideFiles(p, inner)
	return (*s)[e].warnings
}

// apply attaches export e's side data to c.
func (s sideSet) apply(e int, c *model.Conversation) {
	if e >= 0 && e < len(s) {
		s[e].apply(c)
	}
}

// unmatched reports the ratings of every export that found no message.
func (s sideSet) unmatched() []model.Warning {
	var out []model.Warning
	for _, sd := range s {
		out = append(out, sd.unmatched()...)
	}
	return out
}

// accounts lists every export's accounts, in export order, without repeats.
func (s sideSet) accounts() []model.Account {
	var out []model.Account
	seen := make(map[model.Account]bool)
	for _, sd := range s {
		if sd != nil {
			out = uniqueAccounts(out, seen, sd.accounts)
		}
	}
	return out
}

// uniqueAccounts appends to out the accounts of accs not seen yet (the
// same account in two exports differs only by Source), and returns it.
// seen may be nil for a single call.
func uniqueAccounts(out []model.Account, seen map[model.Account]bool, accs []model.Account) []model.Account {
	if seen == nil {
		seen = make(map[model.Account]bool)
	}
	for _, a := range accs {
		k := a
		k.Source = ""
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}
