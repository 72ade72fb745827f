package model

import "time"

// TopN is how many entries Stats keeps in its ranked lists (busiest days,
// longest conversations).
const TopN = 10

// Stats summarises an archive: what `backchat stats` prints and the browser's
// statistics view shows. Built by ComputeStats; JSON field names are the
// stable schema of `backchat stats --json`.
//
// Counting rules: "messages" are those a reader sees, the shown and folded
// messages of each conversation's current thread; "messages in all
// branches" are the shown and folded messages of every branch (what a
// reader sees walking each branch, each message once; what `stats` prints
// as "N in all branches"); "all messages" are every message of the tree,
// other branches and hidden messages included. A
// message is dated by its own time, else by its conversation's creation
// time; what has neither is counted in the Undated fields, never dropped.
type Stats struct {
	Location string `json:"location"` // time zone of months and days

	Conversations int `json:"conversations"`
	Messages      int `json:"messages"` // visible messages on current threads
	// MessagesAllBranches are the shown and folded messages of every
	// branch: Messages, and the other branches' (hidden ones left out).
	MessagesAllBranches int       `json:"messages_all_branches"`
	AllMessages         int       `json:"all_messages"`   // every message node, branches and hidden included
	Nodes               int       `json:"nodes"`          // mapping nodes, message-less ones included
	First               time.Time `json:"first,omitzero"` // earliest conversation creation (or message) time, in Location
	Last                time.Time `json:"last,omitzero"`  // latest update (or message) time, in Location

	Archived              int `json:"archived"`
	Starred               int `json:"starred"`
	BranchPoints          int `json:"branch_points"`          // nodes with more than one child
	BranchedConversations int `json:"branched_conversations"` // conversations with at least one branch point

	Months               []MonthStats `json:"months"`                // oldest first, only months with activity
	UndatedConversations int          `json:"undated_conversations"` // conversations without created/updated time (in no month)
	UndatedMessages      int          `json:"undated_messages"`      // visible messages without any time

	Models []ModelStats `json:"models"` // most messages first
	GPTs   []GPTStats   `json:"gpts"`   // custom GPTs (gizmo ids), most conversations first

	BusiestDays       []DayStats  `json:"busiest_days"`        // top TopN dates by visible messages
	LongestByMessages []ConvStats `json:"longest_by_messages"` // top TopN conversations by visible messages (ties: archive order)
	LongestByWords    []ConvStats `json:"longest_by_words"`    // top TopN conversations by words

	WordsWritten int64 `json:"words_written"` // words of your text blocks on current threads (CountWords)
	WordsRead    int64 `json:"words_read"`    // words of assistant text blocks on current threads

	ImagesGenerated int `json:"images_generated"` // distinct images made by DALL·E / image-generation tools
	ImagesUploaded  int `json:"images_uploaded"`  // distinct images in your messages
	ImagesOther     int `json:"images_other"`     // other images in assistant/tool messages (screenshots, …)

	VoiceMessages int     `json:"voice_messages"` // messages with audio or an audio transcript, every branch
	AudioClips    int     `json:"audio_clips"`    // audio assets
	VoiceSeconds  float64 `json:"voice_seconds"`  // summed durations of the clips whose duration is known
	VoiceTimed    int     `json:"voice_timed"`    // audio clips with a known duration

	// Accounts are the exports' account details (Archive.Accounts).
	Accounts  []AccountStats `json:"accounts,omitempty"`
	Shared    int            `json:"shared,omitempty"`     // conversations shared by public link
	RatedUp   int            `json:"rated_up,omitempty"`   // messages you rated 👍, every branch
	RatedDown int            `json:"rated_down,omitempty"` // messages you rated 👎, every branch
}

// AccountStats is one export's account as stats report it.
type AccountStats struct {
	Service string `json:"service"`
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Plan    string `json:"plan,omitempty"`
}

// MonthStats is one calendar month of activity.
type MonthStats struct {
	Month         string `json:"month"`         // "2025-06"
	Conversations int    `json:"conversations"` // conversations created that month
	Messages      int    `json:"messages"`      // visible messages sent that month
	AllMessages   int    `json:"all_messages"`  // all messages sent that month
}

// ModelStats counts a model slug's use. Conversations are counted by the
// conversation's model, messages by each visible assistant message's own
// model (falling back to the conversation's). Model "" means unknown.
type ModelStats struct {
	Model         string `json:"model"`
	Conversations int    `json:"conversations"`
	Messages      int    `json:"messages"`
}

// GPTStats counts the conversations held with one custom GPT. The export
// names GPTs only by id.
type GPTStats struct {
	GizmoID       string `json:"gizmo_id"`
	Conversations int    `json:"conversations"`
	Messages      int    `json:"messages"` // visible messages
}

// DayStats is one calendar date's visible messages.
type DayStats struct {
	Date     string `json:"date"` // "2025-06-01"
	Messages int    `json:"messages"`
}

// ConvStats identifies a conversation in a ranking. Title is the export's,
// unsanitised: sanitise it before printing.
type ConvStats struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Created  time.Time `json:"created,omitzero"` // in Stats.Location
	Messages int       `json:"messages"`         // visible messages
	Words    int       `json:"words"`            // words written + read
}

// statsAcc accumulates ComputeStats' single pass.
type statsAcc struct {
	loc    *time.Location
	months map[int]*MonthStats // key: year*12 + month-1
	days   map[int]int         // key: year*10000 + month*100 + day
	models map[string]*ModelStats
	gpts   map[string]*GPTStats
	// onThread[i] == gen marks node i of the conversation being counted as
	// part of its current thread; reused across conversations.
	onThread []uint32
	gen      uint32
	seen     map[string]struct{} // image pointers of the current conversation
	// Cache of the last day conversion: most neighbouring messages share a day.
	dayLo, dayHi int64 // Unix seconds [lo, hi) of the cached local day
	dayY, dayM   int
	dayD         int
}

// ComputeStats summarises a in one pass over its messages, dating months
// and days in loc (UTC when nil). It does not mutate a; 60,000
// conversations take well under a second (see BenchmarkComputeStats).
func ComputeStats(a *Archive, loc *time.Location) Stats {
	if loc == nil {
		loc = time.UTC
	}
	s := Stats{Location: loc.String()}
	acc := &statsAcc{loc: loc, months: map[int]*MonthStats{}, days: map[int]int{},
		models: map[string]*ModelStats{}, gpts: map[string]*GPTStats{}, dayLo: 1, dayHi: 0}
	if a == nil {
		return s
	}
	for _, ac := range a.Accounts {
		s.Accounts = append(s.Accounts, AccountStats{Service: ac.Service, Name: ac.Name, Email: ac.Email, Plan: ac.Plan})
	}
	for _, c := range a.Conversations {
		if c != nil {
			acc.conversation(&s, c)
		}
	}
	acc.finish(&s)
	s.First, s.Last = inLoc(s.First, loc), inLoc(s.Last, loc)
	for _, l := range [][]ConvStats{s.LongestByMessages, s.LongestByWords} {
		for i := range l {
			l[i].Created = inLoc(l[i].Created, loc)
		}
	}
	return s
}

// conversation adds one conversation to s.
func (acc *statsAcc) conversation(s *Stats, c *Conversation) {
	s.Conversations++
	s.Nodes += len(c.Tree())
	if c.Shared {
		s.Shared++
	}
	for i := range c.Tree() {
		if m := c.Tree()[i].Msg; m != nil && m.Feedback() != nil {
			switch m.Feedback().Rating {
			case FeedbackUp:
				s.RatedUp++
			case FeedbackDown:
				s.RatedDown++
			}
		}
	}
	if c.Archived {
		s.Archived++
	}
	if c.Starred {
		s.Starred++
	}
	ctime := c.Created
	if ctime.IsZero() {
		ctime = c.Updated
	}
	acc.markThread(c)

	var visible, written, read int
	branches := 0
	modelOf := acc.model(c.Model)
	modelOf.Conversations++
	clear(acc.seen)
	for i := range c.Tree() {
		n := &c.Tree()[i]
		if len(n.Children()) > 1 {
			branches++
		}
		m := n.Msg
		if m == nil {
			continue
		}
		s.AllMessages++
		if m.Visibility <= Folded {
			s.MessagesAllBranches++
		}
		t := m.Time()
		if t.IsZero() {
			t = ctime
		}
		var mon *MonthStats
		if !t.IsZero() {
			y, mo, d := acc.date(t)
			mon = acc.month(y, mo)
			mon.AllMessages++
			if ctime.IsZero() {
				updateRange(s, t)
			}
			if acc.onThread[i] == acc.gen && m.Visibility <= Folded {
				mon.Messages++
				acc.days[y*10000+mo*100+d]++
			}
		}
		acc.media(s, c, m)
		if acc.onThread[i] != acc.gen || m.Visibility > Folded {
			continue
		}
		visible++
		if mon == nil {
			s.UndatedMessages++
		}
		switch m.Role() {
		case RoleUser:
			written += textWords(m)
		case RoleAssistant:
			read += textWords(m)
			slug := m.Model()
			if slug == "" {
				slug = c.Model
			}
			if slug == c.Model {
				modelOf.Messages++
			} else {
				acc.model(slug).Messages++
			}
		}
	}
	words := written + read
	s.Messages += visible
	s.WordsWritten += int64(written)
	s.WordsRead += int64(read)
	s.BranchPoints += branches
	if branches > 0 {
		s.BranchedConversations++
	}
	if c.GizmoID != "" {
		g := acc.gpts[c.GizmoID]
		if g == nil {
			g = &GPTStats{GizmoID: c.GizmoID}
			acc.gpts[c.GizmoID] = g
		}
		g.Conversations++
		g.Messages += visible
	}
	if ctime.IsZero() {
		s.UndatedConversations++
	} else {
		y, mo, _ := acc.date(ctime)
		acc.month(y, mo).Conversations++
		updateRange(s, ctime)
		updateRange(s, c.Updated)
	}
	cs := ConvStats{ID: c.ID, Title: c.Title, Created: c.Created, Messages: visible, Words: words}
	s.LongestByMessages = pushTop(s.LongestByMessages, cs, func(x ConvStats) int { return x.Messages })
	s.LongestByWords = pushTop(s.LongestByWords, cs, func(x ConvStats) int { return x.Words })
}

// inLoc is t in loc, or the zero time.
func inLoc(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}

// updateRange widens s.First..s.Last to include t (ignored when zero).
func updateRange(s *Stats, t time.Time) {
	if t.IsZero() {
		return
	}
	if s.First.IsZero() || t.Before(s.First) {
		s.First = t
	}
	if s.Last.IsZero() || t.After(s.Last) {
		s.Last = t
	}
}

// markThread stamps the nodes of c's current thread in acc.onThread. It walks
// parents from current_node with the same cycle rule as CurrentThread (stop
// at the first repeated node) but without allocating; a missing or dangling
// current_node falls back to CurrentThread's newest-leaf rule.
func (acc *statsAcc) markThread(c *Conversation) {
	if len(acc.onThread) < len(c.Tree()) {
		acc.onThread = make([]uint32, len(c.Tree())+len(c.Tree())/2)
		acc.gen = 0
	}
	acc.gen++
	if acc.gen == 0 { // wrapped: old stamps could collide
		clear(acc.onThread)
		acc.gen = 1
	}
	n := c.Current
	if n < 0 || int(n) >= len(c.Tree()) {
		for _, i := range c.CurrentThread() {
			acc.onThread[i] = acc.gen
		}
		return
	}
	for n >= 0 && int(n) < len(c.Tree()) && acc.onThread[n] != acc.gen {
		acc.onThread[n] = acc.gen
		n = c.Tree()[n].Parent
	}
}

// date returns t's calendar date in acc.loc, reusing the last conversion
// while t falls on the same local day.
func (acc *statsAcc) date(t time.Time) (y, m, d int) {
	u := t.Unix()
	if u >= acc.dayLo && u < acc.dayHi {
		return acc.dayY, acc.dayM, acc.dayD
	}
	lt := t.In(acc.loc)
	yy, mm, dd := lt.Date()
	start := time.Date(yy, mm, dd, 0, 0, 0, 0, acc.loc)
	acc.dayLo, acc.dayHi = start.Unix(), start.AddDate(0, 0, 1).Unix()
	if u < acc.dayLo || u >= acc.dayHi { // zone transitions at midnight: do not cache
		acc.dayLo, acc.dayHi = 1, 0
	}
	acc.dayY, acc.dayM, acc.dayD = yy, int(mm), dd
	return yy, int(mm), dd
}

func (acc *statsAcc) month(y, m int) *MonthStats {
	k := y*12 + m - 1
	ms := acc.months[k]
	if ms == nil {
		ms = &MonthStats{}
		acc.months[k] = ms
	}
	return ms
}

func (acc *statsAcc) model(slug string) *ModelStats {
	ms := acc.models[slug]
	if ms == nil {
		ms = &ModelStats{Model: slug}
		acc.models[slug] = ms
	}
	return ms
}

// textWords counts the words of m's text blocks.
func textWords(m *Message) int {
	n := 0
	for i := range m.Blocks {
		if m.Blocks[i].Kind == BlockText {
			n += CountWords(m.Blocks[i].Text)
		}
	}
	return n
}
