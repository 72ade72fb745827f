package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// maxAuthorizedKeysSize bounds how much of an authorized-keys file is read;
// real ones are a few kilobytes, and a huge file is a mistake, not a key list.
const maxAuthorizedKeysSize = 4 << 20

// authorizedKeys is the set of client keys allowed in, compared by their
// wire encoding. It is built once at start and read-only afterwards, so it is
// safe for concurrent use.
type authorizedKeys struct {
	keys map[string]struct{}
	// Skipped counts the lines that were not turned into keys, by reason, so
	// the server can say what it ignored instead of dropping it silently.
	skipped []skippedLine
}

// skippedLine records one authorized-keys line the server did not use.
type skippedLine struct {
	line   int
	reason string
}

// allows reports whether key is one of the authorized keys.
func (a *authorizedKeys) allows(key gossh.PublicKey) bool {
	if a == nil || key == nil {
		return false
	}
	// Certificates are refused: a certificate is trusted through a
	// cert-authority line, which this server does not support.
	if _, isCert := key.(*gossh.Certificate); isCert {
		return false
	}
	_, ok := a.keys[string(key.Marshal())]
	return ok
}

// loadAuthorizedKeys reads an OpenSSH authorized_keys file. Blank lines and
// comments are ignored; a line that does not parse, or that carries options
// this server cannot honour, is skipped and recorded. A file without a single
// usable key is an error, because the server would be unreachable (or,
// worse, someone would "fix" it by disabling auth).
func loadAuthorizedKeys(path string) (*authorizedKeys, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("serve: authorized keys: %w (create it with your public key, e.g. `cat ~/.ssh/id_ed25519.pub >> %s`)", err, path)
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, maxAuthorizedKeysSize+1))
	if err != nil {
		return nil, fmt.Errorf("serve: authorized keys %s: %w", path, err)
	}
	if len(data) > maxAuthorizedKeysSize {
		return nil, fmt.Errorf("serve: authorized keys %s: larger than %d bytes", path, maxAuthorizedKeysSize)
	}
	ak, err := parseAuthorizedKeys(data)
	if err != nil {
		return nil, fmt.Errorf("serve: authorized keys %s: %w", path, err)
	}
	return ak, nil
}

// errNoKeys says an authorized-keys file held no usable key.
var errNoKeys = errors.New("no usable public key")

// parseAuthorizedKeys is the I/O-free half of loadAuthorizedKeys.
func parseAuthorizedKeys(data []byte) (*authorizedKeys, error) {
	ak := &authorizedKeys{keys: map[string]struct{}{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), maxAuthorizedKeysSize)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			ak.skipped = append(ak.skipped, skippedLine{n, "not a public key"})
			continue
		}
		if reason := unsupportedOption(options); reason != "" {
			ak.skipped = append(ak.skipped, skippedLine{n, reason})
			continue
		}
		ak.keys[string(key.Marshal())] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ak.keys) == 0 {
		if len(ak.skipped) > 0 {
			return nil, fmt.Errorf("%w (%d line(s) skipped, first at line %d: %s)",
				errNoKeys, len(ak.skipped), ak.skipped[0].line, ak.skipped[0].reason)
		}
		return nil, errNoKeys
	}
	return ak, nil
}

// unsupportedOption returns why a key's options make it unusable here, or ""
// when it can be used. Options that restrict a key (from=, command=,
// cert-authority, expiry-time=, ...) cannot be enforced by this server, and
// ignoring them would grant more than the file's author intended, so such
// keys are skipped. Options about features this server never offers (port,
// agent and X11 forwarding, user rc) are harmless either way. no-pty is
// skipped too: honouring it would mean no browser for that key.
func unsupportedOption(options []string) string {
	for _, opt := range options {
		name, _, _ := strings.Cut(strings.ToLower(opt), "=")
		switch name {
		case "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding",
			"no-user-rc", "restrict", "port-forwarding", "agent-forwarding",
			"x11-forwarding", "user-rc", "pty":
			continue
		default:
			return "unsupported option " + name
		}
	}
	return ""
}
