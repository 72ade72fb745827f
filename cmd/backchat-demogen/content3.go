package main

import (
	"github.com/backchat/backchat/internal/testkit/gen"
)

func convMetricEdit(d *demo) {
	b := d.conv("Converting a recipe to metric", days(45), "gpt-4o")
	ask(b, "Convert to metric: 2 cups flour, 1 cup sugar, 1/2 cup butter.")
	reply(b, md(`
- **2 cups flour** ≈ 250 g (all-purpose flour, spooned and levelled: ~125 g per cup)
- **1 cup sugar** ≈ 200 g (granulated)
- **½ cup butter** ≈ 113 g (1 US stick)

Cups measure volume, so the grams depend on the ingredient — flour is much lighter than sugar.`))
	mid := b.Head()
	ask(b, "And 350 °F?")
	reply(b, "350 °F is about **175 °C** (177 °C exactly; most ovens are set to 175 or 180 °C). For a fan oven, use about 160 °C.")
	// The user went back and edited this question; the edit is the current branch.
	b.SetHead(mid)
	ask(b, "And 350 °F for a fan oven? Mine only has fan mode.")
	reply(b, md(`
350 °F is 177 °C for a conventional oven. With a **fan (convection) oven**, reduce by about 20 °C: set it to **155–160 °C**.

Fan ovens cook faster and more evenly, so start checking about 5–10 minutes before the recipe's time.`))
	d.done(b)
}

func convBakeryNames(d *demo) {
	b := d.conv("Name ideas for a small bakery", days(60), "gpt-4o")
	u := ask(b, "My partner and I are opening a small neighbourhood bakery specialising in sourdough and cardamom buns. Name ideas?")
	reply(b, md(`
Here are a few directions:

- **Crumb & Cardamom** — names both specialities.
- **The Rising Table**
- **Slow Rise Bakery** — nods to long sourdough fermentation.
- **Knead & Co.**
- **Hearth House**`))
	b.SetHead(u)
	second := reply(b, md(`
Some names that lean on the **Scandinavian** feel of cardamom buns and the craft of sourdough:

1. **Kardemumma** — Swedish for cardamom; memorable and distinctive.
2. **Levain & Lagom** — *levain* is the sourdough starter, *lagom* is Swedish for "just the right amount".
3. **Wild Yeast Bakehouse**
4. **The Bun Fika** — *fika* is the Swedish coffee-and-pastry break.
5. **Mother Dough** — a playful take on the "mother" starter.

Before you fall in love with one, check the domain name, Instagram handle and your local company register.`))
	b.SetHead(u)
	reply(b, md(`
Short and warm:

- **Loaf Lane**
- **Proof** — a baking term (the final rise) with a nice double meaning.
- **Good Crumb**
- **Cardamom & Crust**`))
	// The user kept the second answer and continued from it: branch 2/3.
	b.SetHead(second)
	ask(b, "We love Levain & Lagom! Could you write a one-line tagline?")
	reply(b, "**Levain & Lagom — slow sourdough, warm cardamom, just the right amount of everything.**")
	d.done(b)
}

func convVPNArchived(d *demo) {
	b := d.conv("WireGuard handshake but no traffic", days(80), "gpt-4o")
	b.Fields = gen.Obj{{"is_archived", true}}
	ask(b, "My WireGuard tunnel shows a recent handshake but I can't reach anything on the remote LAN. What should I check?")
	reply(b, md(`
A successful handshake means keys and the endpoint are fine; the problem is almost always **routing or forwarding**. Check in this order:

1. **AllowedIPs** on the *client* must include the remote LAN, e.g. §AllowedIPs = 10.8.0.0/24, 192.168.50.0/24§.
2. **AllowedIPs** on the *server* for this peer must include the client's tunnel IP (e.g. §10.8.0.2/32§).
3. **IP forwarding** on the server: §sysctl net.ipv4.ip_forward§ must be §1§.
4. **NAT or a return route**: LAN hosts must know how to reach §10.8.0.0/24§. Either add a static route on the LAN router pointing to the WireGuard server, or masquerade:
'''bash
iptables -t nat -A POSTROUTING -s 10.8.0.0/24 -o eth0 -j MASQUERADE
'''
5. **Firewall**: allow forwarding between §wg0§ and §eth0§.

§wg show§ on both ends helps: if the *transfer* counters only grow in one direction, the packets are being dropped on the return path.`))
	ask(b, "It was the return route. Added a static route on the router and it works.")
	reply(b, "Great — that's the classic one. Since you used a route rather than NAT, LAN devices will see the real tunnel IPs of clients, which is nicer for logs and firewall rules.")
	d.done(b)
}

func convSourdoughStarred(d *demo) {
	b := d.conv("Sourdough starter feeding schedule", days(100), "gpt-4o")
	b.Fields = gen.Obj{{"is_starred", true}}
	ask(b, "I'm starting a sourdough starter from scratch. What's a simple day-by-day schedule?")
	reply(b, md(`
Here's a simple schedule using **equal weights** of flour and water (100 % hydration). Use a clean jar, and keep it at about 24–26 °C if you can.

| Day | What to do |
|---|---|
| 1 | Mix 50 g wholemeal (or rye) flour + 50 g lukewarm water. Cover loosely. |
| 2 | You may see a few bubbles. Don't feed yet; just stir. |
| 3 | Discard all but 50 g. Add 50 g flour + 50 g water. |
| 4–6 | Repeat once a day. Don't panic if activity *drops* on day 3–4 — early bacteria die off before the yeast takes over. |
| 7+ | Switch to white bread flour and feed **twice a day** (every 12 h). |

**Ready when** it reliably **doubles within 4–8 hours** of feeding, smells pleasantly sour and has an airy, domed top. That usually takes 7–14 days.

Tip: put a rubber band around the jar at the level right after feeding so you can see the rise.`))
	ask(b, "How do I keep it once it's ready if I only bake on weekends?")
	reply(b, md(`
Keep it in the **fridge** and feed it once a week:

1. Take it out on Thursday evening or Friday morning, discard down to ~50 g and feed 1:1:1 (50 g starter, 50 g flour, 50 g water).
2. Once it peaks (doubles), use what you need for the dough.
3. Feed the rest once more, leave it out an hour, then back into the fridge.

A stiffer starter (less water) keeps even better in the cold. Grey liquid on top ("hooch") just means it's hungry — pour it off and feed.`))
	d.done(b)
}

func convChessGPT(d *demo) {
	b := d.conv("Learning the Italian Game", days(130), "gpt-4o")
	b.Fields = gen.Obj{{"gizmo_id", "g-Kc8HmZ2qPt"}, {"gizmo_type", "gpt"}, {"conversation_template_id", "g-Kc8HmZ2qPt"}}
	ask(b, "I play 1.e4 as white. Teach me the main ideas of the Italian Game.")
	reply(b, md(`
The **Italian Game** starts **1.e4 e5 2.Nf3 Nc6 3.Bc4**. Your bishop aims at **f7**, the weakest square in Black's camp (only the king defends it).

**Main ideas for White**
- **Centre:** prepare **c3** and **d4** to build a big pawn centre (the *Giuoco Piano*: 3…Bc5 4.c3).
- **Slow plan (Giuoco Pianissimo):** 4.d3 and 5.c3, castle, then **Re1**, **Nbd2–f1–g3** and a kingside push. Modern top players use this a lot.
- **Watch f7:** tactics with **Ng5** and **Bxf7+** appear if Black is careless.

**Two lines to know**
- 3…Bc5 4.c3 Nf6 5.d4 exd4 6.cxd4 Bb4+ — the classical main line.
- 3…Nf6 is the **Two Knights Defence**: 4.Ng5 attacks f7 at once, but 4…d5! 5.exd5 Na5 gives Black active play for a pawn.

**A trap to avoid as White:** after 3…Nd4?! (the Blackburne Shilling Gambit) don't grab with 4.Nxe5?; 4…Qg5! hits the knight and g2 at the same time. Play 4.Nxd4 exd4 5.O-O or 5.c3 calmly instead.`))
	d.done(b)
}

func convTokyoJapanese(d *demo) {
	b := d.conv("東京で一週間の旅行計画", days(160), "gpt-4o")
	ask(b, "東京に一週間滞在します。初めての日本旅行なので、おすすめのエリアと移動のコツを教えてください。")
	reply(b, md(`
初めての東京、楽しみですね！一週間あれば主要エリアをゆっくり回れます。

### おすすめエリア
- **浅草**：浅草寺と仲見世通り。朝早く行くと空いています。
- **上野**：上野公園と博物館。東京国立博物館は日本美術の入門に最適です。
- **渋谷・原宿**：スクランブル交差点、明治神宮、竹下通り。
- **新宿**：夜の思い出横丁、新宿御苑（春の桜は必見）。
- **日帰り**：鎌倉（大仏と海）または日光（東照宮）。

### 移動のコツ
1. **交通系ICカード**（Suica／PASMO）を用意しましょう。電車・バス・コンビニで使えます。
2. 乗り換えは Google マップで十分正確です。
3. 朝 8〜9 時の通勤ラッシュは避けるのがおすすめです。
4. 駅のコインロッカーは大きな荷物を預けるのに便利です。

楽しい旅を！🗼`))
	ask(b, "ありがとうございます！日光は日帰りでも大丈夫ですか？")
	reply(b, "はい、日帰りで十分楽しめます。浅草から東武線の特急で約2時間です。東照宮と華厳の滝を回るなら、朝8時台の電車に乗るのがおすすめです。紅葉の時期（10月下旬〜11月上旬）は道路が混むので、時間に余裕を持ってください。")
	d.done(b)
}

func convRateLimiter(d *demo) {
	b := d.conv("Rate limiter middleware in Go", days(190), "gpt-4o")
	ask(b, "Write a production-quality per-client rate limiter as net/http middleware in Go, standard library only, with tests. Token bucket please.")
	reply(b, md(`
Here's a complete, dependency-free implementation: a token bucket per client IP, a §Retry-After§ header on rejection, idle-bucket cleanup, and tests that use a fake clock so they are fast and deterministic.

### ratelimit.go

'''go
// Package ratelimit provides a per-client token-bucket rate limiter and
// HTTP middleware.
package ratelimit

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
)

// bucket holds the state of one client's token bucket.
type bucket struct {
	tokens float64   // tokens currently available
	last   time.Time // when tokens was last updated
}

// Limiter allows each client rate requests per second on average, with
// bursts of up to burst requests. It is safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	idle    time.Duration
	buckets map[string]*bucket
	now     func() time.Time // replaced in tests
}

// New returns a Limiter allowing rate requests per second with the given
// burst. Buckets idle for 10 minutes are dropped by Cleanup.
func New(rate float64, burst int) *Limiter {
	if rate <= 0 || burst < 1 {
		panic("ratelimit: rate must be > 0 and burst >= 1")
	}
	return &Limiter{
		rate:    rate,
		burst:   float64(burst),
		idle:    10 * time.Minute,
		buckets: make(map[string]*bucket),
		now:     time.Now,
	}
}

// Allow reports whether a request from key may proceed now. When it may
// not, it also returns how long the client should wait before retrying.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}

	// Refill for the time since the last request, capped at the burst size.
	elapsed := now.Sub(b.last).Seconds()
	b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
	b.last = now

	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	missing := 1 - b.tokens
	return false, time.Duration(missing / l.rate * float64(time.Second))
}

// Cleanup forgets clients that have been idle longer than the idle timeout.
// Their buckets would be full again anyway, so nothing is lost.
func (l *Limiter) Cleanup() {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	for key, b := range l.buckets {
		if now.Sub(b.last) > l.idle {
			delete(l.buckets, key)
		}
	}
}

// Run calls Cleanup every interval until ctx is cancelled. Start it in its
// own goroutine.
func (l *Limiter) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			l.Cleanup()
		}
	}
}

// Middleware rejects requests over the limit with 429 Too Many Requests and
// a Retry-After header; other requests go to next.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.Allow(clientIP(r))
		if !ok {
			seconds := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(seconds, 1)))
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP returns the IP address of the connection. It deliberately ignores
// X-Forwarded-For, which any client can forge; see the notes below.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
'''

### ratelimit_test.go

'''go
package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestBurstAndRefill(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := New(2, 3) // 2 requests/s, bursts of 3
	l.now = func() time.Time { return now }

	for i := range 3 {
		if ok, _ := l.Allow("alice"); !ok {
			t.Fatalf("request %d of the burst was rejected", i+1)
		}
	}
	ok, wait := l.Allow("alice")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("4th request: ok=%v wait=%v, want rejected with 500ms wait", ok, wait)
	}
	if ok, _ := l.Allow("bob"); !ok {
		t.Fatal("bob is limited by alice's bucket")
	}

	now = now.Add(500 * time.Millisecond) // one token refilled
	if ok, _ := l.Allow("alice"); !ok {
		t.Fatal("request after refill was rejected")
	}
}

func TestCleanup(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := New(1, 1)
	l.now = func() time.Time { return now }
	l.Allow("alice")
	now = now.Add(11 * time.Minute)
	l.Cleanup()
	if len(l.buckets) != 0 {
		t.Fatalf("%d buckets left after cleanup", len(l.buckets))
	}
}

func TestMiddleware(t *testing.T) {
	l := New(1, 1)
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("first request: got %d", rec.Code)
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("second request: got %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}
'''

### Using it

'''go
func main() {
	limiter := ratelimit.New(5, 10) // 5 req/s per client, bursts of 10
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go limiter.Run(ctx, time.Minute)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/items", listItems)
	log.Fatal(http.ListenAndServe(":8080", limiter.Middleware(mux)))
}
'''

### Notes

- **Why a token bucket:** it allows short bursts (a page loading several resources) while enforcing the average rate. A fixed window would allow 2× the limit around window boundaries.
- **Refill is lazy:** tokens are computed from the elapsed time on each request, so there is no ticker per client.
- **One mutex** is fine up to tens of thousands of requests per second. Beyond that, shard the map by a hash of the key.
- **Behind a proxy,** §RemoteAddr§ is the proxy's address. Only then read §X-Forwarded-For§, and only the entry added by *your* proxy — clients can forge the header.
- **Memory:** §Cleanup§ drops buckets idle for 10 minutes; they would have refilled completely anyway.
- For multiple server instances you need a shared store (e.g. Redis with a Lua script) — an in-process limiter only limits per instance.

Run the tests with §go test -race ./...§.`))
	d.done(b)
}
