package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
