// Keys: the server's own host key and the client keys it lets in.

package serve

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// DefaultHostKeyPath returns where the server keeps its host key when no
// path is given: $XDG_DATA_HOME/backchat/host_ed25519, falling back to
// ~/.local/share/backchat/host_ed25519 as the XDG spec says.
func DefaultHostKeyPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("serve: no home directory for the default host key path: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "backchat", "host_ed25519"), nil
}

// DefaultAuthorizedKeysPath returns ~/.ssh/authorized_keys, the file OpenSSH
// users already maintain.
func DefaultAuthorizedKeysPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("serve: no home directory for the default authorized keys path: %w", err)
	}
	return filepath.Join(home, ".ssh", "authorized_keys"), nil
}

// HostKeyFingerprint returns the SHA256 fingerprint of the host key at path
// (in the "SHA256:..." form OpenSSH prints when it first meets a host),
// generating the key first if it does not exist yet. The cmd can use it for a
// `--print-fingerprint` style check without starting the server.
func HostKeyFingerprint(path string) (string, error) {
	signer, _, err := loadOrCreateHostKey(path, nil)
	if err != nil {
		return "", err
	}
	return gossh.FingerprintSHA256(signer.PublicKey()), nil
}

// loadOrCreateHostKey reads the private host key at path, or generates an
// ed25519 key there (file 0600, directory 0700) when none exists. It reports
// whether it created the key. A key file readable by group or others is used
// but warned about (logger may be nil).
func loadOrCreateHostKey(path string, logger *log.Logger) (gossh.Signer, bool, error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if st, serr := os.Stat(path); serr == nil && st.Mode().Perm()&0o077 != 0 && logger != nil {
			logger.Warn("host key is readable by other users; run chmod 600 on it",
				"path", path, "mode", fmt.Sprintf("%04o", st.Mode().Perm()))
		}
		signer, perr := gossh.ParsePrivateKey(data)
		if perr != nil {
			return nil, false, fmt.Errorf("serve: host key %s: %w", path, perr)
		}
		return signer, false, nil
	case errors.Is(err, fs.ErrNotExist):
		signer, gerr := createHostKey(path)
		if gerr != nil {
			return nil, false, gerr
		}
		return signer, true, nil
	default:
		return nil, false, fmt.Errorf("serve: host key %s: %w", path, err)
	}
}

// createHostKey writes a fresh ed25519 key in OpenSSH PEM form. O_EXCL makes
// two servers started at once agree on a single key instead of overwriting
// each other's.
func createHostKey(path string) (gossh.Signer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("serve: host key directory: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("serve: generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "backchat host key")
	if err != nil {
		return nil, fmt.Errorf("serve: encode host key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Lost a race with another process: use its key.
		signer, _, lerr := loadOrCreateHostKey(path, nil)
		return signer, lerr
	}
	if err != nil {
		return nil, fmt.Errorf("serve: create host key: %w", err)
	}
	if _, err := f.Write(pem.EncodeToMemory(block)); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("serve: write host key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("serve: write host key %s: %w", path, err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("serve: host key signer: %w", err)
	}
	return signer, nil
}

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
	// dirWritable is set when the file's directory can be written by
	// group or others (without the sticky bit): they could replace the
	// file. Worth a warning; OpenSSH's StrictModes would refuse.
	dirWritable fs.FileMode
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
	// Anyone who can write the file can let themselves in: refuse it, as
	// OpenSSH's StrictModes does. Mode bits mean nothing on Windows.
	if fi, serr := f.Stat(); serr == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("serve: authorized keys %s is writable by group or others (mode %04o): "+
			"anyone who can write it can let themselves in; run `chmod go-w %s`", path, fi.Mode().Perm(), path)
	}
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
	if di, derr := os.Stat(filepath.Dir(path)); derr == nil && runtime.GOOS != "windows" &&
		di.Mode().Perm()&0o022 != 0 && di.Mode()&fs.ModeSticky == 0 {
		ak.dirWritable = di.Mode().Perm()
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
