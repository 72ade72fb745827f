package gen

// Word lists the prose generator draws from. English dominates; the others
// put accents, CJK and astral-plane emoji through every escaping path.

var enWords = []string{
	"the", "a", "to", "of", "and", "in", "is", "that", "for", "it", "with", "as", "on", "this", "you",
	"can", "be", "are", "by", "or", "if", "your", "from", "will", "we", "not", "but", "which", "when",
	"use", "using", "value", "function", "file", "data", "request", "response", "server", "client",
	"memory", "time", "error", "example", "option", "result", "approach", "table", "query", "index",
	"config", "setting", "version", "update", "build", "test", "case", "step", "first", "then", "next",
	"finally", "however", "because", "instead", "usually", "quickly", "simple", "better", "common",
	"recipe", "oven", "garlic", "onion", "butter", "flour", "minutes", "temperature", "salt", "pepper",
	"travel", "train", "ticket", "hotel", "museum", "morning", "evening", "weekend", "budget", "route",
	"garden", "tomato", "soil", "water", "light", "plant", "season", "winter", "summer", "spring",
	"health", "sleep", "exercise", "routine", "habit", "muscle", "stretch", "breathing", "posture",
	"history", "century", "empire", "trade", "city", "river", "language", "book", "chapter", "author",
	"model", "layer", "gradient", "training", "dataset", "accuracy", "loss", "batch", "vector", "matrix",
	"goroutine", "channel", "interface", "struct", "pointer", "slice", "map", "package", "module",
	"container", "image", "deploy", "service", "network", "latency", "cache", "database", "schema",
	"invoice", "customer", "email", "meeting", "deadline", "project", "team", "manager", "feedback",
	"question", "answer", "idea", "reason", "problem", "solution", "detail", "summary", "draft", "note",
	"small", "large", "fast", "slow", "new", "old", "good", "clear", "important", "possible", "likely",
	"check", "make", "keep", "add", "remove", "change", "move", "read", "write", "run", "start", "stop",
	"should", "could", "would", "might", "must", "also", "only", "just", "still", "even", "each", "every",
	"about", "between", "through", "after", "before", "during", "without", "under", "over", "around",
}

var phrases = []string{
	"kubernetes cluster", "machine learning", "sourdough starter", "unit tests", "pull request",
	"rate limit", "garbage collector", "race condition", "type inference", "dependency injection",
	"cast iron pan", "night train", "interest rate", "climate change", "open source", "cover letter",
	"time zone", "hash map", "load balancer", "feature flag", "vector database", "error handling",
}

// techWords are the words of the phrases (and a few more) on their own; the
// long shape's code comments use them, apart.
var techWords = []string{
	"kubernetes", "cluster", "pod", "node", "namespace", "ingress", "replica", "helm",
	"load", "balancer", "feature", "flag", "vector", "hash", "rate", "limit",
}

var foreignSentences = []string{
	"C'est une très bonne idée, mais il faut vérifier la température du four.",
	"Le château se trouve à côté de la forêt ; on y accède en été par un sentier étroit.",
	"Est-ce que tu préfères le café crème ou le thé à la menthe ?",
	"Voilà pourquoi la crème brûlée doit reposer au réfrigérateur toute la nuit.",
	"Die Größe der Datei ist überraschend klein, weil sie komprimiert wurde.",
	"Können Sie mir bitte erklären, wie die Straßenbahn in München funktioniert?",
	"Über die Brücke fährt täglich ein Zug nach Köln und Düsseldorf.",
	"Schöne Grüße aus Zürich — das Wetter ist heute außergewöhnlich mild.",
	"東京駅から京都までは新幹線で約二時間十五分です。",
	"このコードはゴルーチンを使って並行にファイルを読み込みます。",
	"日本語の文章も正しく表示されるか確認してください。",
	"请帮我把这段文字翻译成英文，并保持原来的语气。",
	"北京的冬天很冷，但是烤鸭非常好吃。",
	"数据库索引可以显著提高查询速度。",
	"Ελληνικά: το πρόγραμμα τρέχει γρήγορα.",
	"Русский текст тоже встречается в экспортах.",
	"¿Dónde está la estación de tren más cercana?",
	"Ça marche 👍 — merci beaucoup ! 🎉",
}

var emoji = []string{"🙂", "🚀", "✅", "⚠️", "🔥", "🍝", "🧪", "📦", "💡", "🎉", "👍", "🤔", "🐹", "🌍", "☕", "📈", "😂", "🧠"}

var titleWords = []string{
	"Go", "Concurrency", "Pasta", "Recipe", "Trip", "Lisbon", "Kyoto", "Budget", "Python", "Script",
	"Debugging", "Resume", "Email", "Draft", "Garden", "Plan", "Workout", "SQL", "Query", "Docker",
	"Setup", "Kubernetes", "Review", "Essay", "Summary", "Birthday", "Gift", "Ideas", "Tax", "Question",
	"Sourdough", "Bread", "Rust", "Lifetimes", "Regex", "Help", "Marketing", "Copy", "Philosophy",
	"History", "Roman", "Empire", "Camera", "Settings", "Linux", "Backup", "Invoice", "Template",
}

var headings = []string{
	"Overview", "Step-by-step", "Why this works", "Example", "Common pitfalls", "Summary",
	"Ingredients", "Itinerary", "Options", "Trade-offs", "Next steps", "Quick answer", "Details",
}

var models = []string{"gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-5", "gpt-5", "o3-mini", "gpt-4-1"}

var codeSnippets = [][2]string{
	{"go", "package main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\tresults := make(chan int, 10)\n\tfor i := range 10 {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tresults <- i * i\n\t\t}()\n\t}\n\twg.Wait()\n\tclose(results)\n\tsum := 0\n\tfor r := range results {\n\t\tsum += r\n\t}\n\tfmt.Println(\"sum of squares:\", sum)\n}\n"},
	{"python", "import pandas as pd\n\ndf = pd.read_csv(\"sales.csv\", parse_dates=[\"date\"])\nmonthly = df.groupby(df[\"date\"].dt.to_period(\"M\"))[\"amount\"].sum()\nprint(monthly.tail(6))\n\nif monthly.empty:\n    raise SystemExit(\"no rows\")\n"},
	{"javascript", "async function fetchJSON(url, { retries = 3 } = {}) {\n  for (let i = 0; i < retries; i++) {\n    const res = await fetch(url);\n    if (res.ok) return res.json();\n    await new Promise(r => setTimeout(r, 2 ** i * 250));\n  }\n  throw new Error(`failed after ${retries} tries: ${url}`);\n}\n"},
	{"sql", "SELECT c.name, COUNT(o.id) AS orders, SUM(o.total) AS revenue\nFROM customers c\nLEFT JOIN orders o ON o.customer_id = c.id\nWHERE o.created_at >= DATE '2025-01-01'\nGROUP BY c.name\nHAVING COUNT(o.id) > 3\nORDER BY revenue DESC\nLIMIT 20;\n"},
	{"bash", "#!/usr/bin/env bash\nset -euo pipefail\nfor f in \"$@\"; do\n  if [[ -f \"$f\" ]]; then\n    gzip -9 --keep \"$f\"\n    echo \"compressed $f -> $f.gz\"\n  fi\ndone\n"},
	{"rust", "use std::collections::HashMap;\n\nfn word_count(text: &str) -> HashMap<&str, usize> {\n    let mut counts = HashMap::new();\n    for word in text.split_whitespace() {\n        *counts.entry(word).or_insert(0) += 1;\n    }\n    counts\n}\n"},
	{"yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - containerPort: 80\n"},
	{"typescript", "interface User {\n  id: string;\n  name: string;\n  email?: string;\n}\n\nexport function displayName(u: User): string {\n  return u.name.trim() || u.email || `user ${u.id}`;\n}\n"},
}

var domains = []string{"en.wikipedia.org", "developer.mozilla.org", "go.dev", "docs.python.org", "www.bbc.com",
	"www.seriouseats.com", "www.lonelyplanet.com", "stackoverflow.com", "kubernetes.io", "www.nature.com"}
