package serve

import (
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

func TestParseAuthorizedKeys(t *testing.T) {
	alice, aliceLine := newClientKey(t)
	bob, bobLine := newClientKey(t)
	carol, carolLine := newClientKey(t)
	dave, daveLine := newClientKey(t)
	stranger, _ := newClientKey(t)
	data := strings.Join([]string{
		"# comment line",
		"",
		"   ",
		aliceLine + " alice@laptop",
		"  " + bobLine, // leading spaces, no comment
		"garbage that is not a key",
		`from="10.0.0.0/8" ` + carolLine,
		"cert-authority " + daveLine,
		"no-port-forwarding,no-agent-forwarding " + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(stranger.PublicKey()))) + " ok-options",
	}, "\n")
	ak, err := parseAuthorizedKeys([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]gossh.Signer{"alice": alice, "bob": bob, "harmless options": stranger} {
		if !ak.allows(k.PublicKey()) {
			t.Errorf("%s's key refused", name)
		}
	}
	for name, k := range map[string]gossh.Signer{"from= (unenforceable)": carol, "cert-authority": dave} {
		if ak.allows(k.PublicKey()) {
			t.Errorf("%s key allowed", name)
		}
	}
	want := []skippedLine{{6, "not a public key"}, {7, "unsupported option from"}, {8, "unsupported option cert-authority"}}
	if len(ak.skipped) != len(want) {
		t.Fatalf("skipped = %v, want %v", ak.skipped, want)
	}
	for i := range want {
		if ak.skipped[i] != want[i] {
			t.Errorf("skipped[%d] = %v, want %v", i, ak.skipped[i], want[i])
		}
	}
	if ak.allows(nil) {
		t.Error("nil key allowed")
	}
}

func TestParseAuthorizedKeysNeedsOneKey(t *testing.T) {
	for name, data := range map[string]string{
		"empty":    "",
		"comments": "# a\n\n# b\n",
		"garbage":  "ssh-ed25519 !!!notbase64\n",
	} {
		_, err := parseAuthorizedKeys([]byte(data))
		if !errors.Is(err, errNoKeys) {
			t.Errorf("%s: err = %v, want errNoKeys", name, err)
		}
	}
}

func TestCertificatesAreNotAuthorizedByTheirKey(t *testing.T) {
	user, line := newClientKey(t)
	ca, _ := newClientKey(t)
	cert := &gossh.Certificate{Key: user.PublicKey(), CertType: gossh.UserCert, ValidPrincipals: []string{"alice"}, ValidBefore: gossh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	ak, err := parseAuthorizedKeys([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if ak.allows(cert) {
		t.Error("certificate accepted; cert-authority is not supported")
	}
}

func TestHostKeyIsCreatedPrivateAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "backchat")
	path := filepath.Join(dir, "host_ed25519")
	fp1, err := HostKeyFingerprint(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fp1, "SHA256:") {
		t.Errorf("fingerprint %q lacks the SHA256: prefix", fp1)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %o, want 600", st.Mode().Perm())
	}
	dst, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("host key dir mode %o, want 700", dst.Mode().Perm())
	}
	signer, created, err := loadOrCreateHostKey(path, nil)
	if err != nil || created {
		t.Fatalf("second load: created=%v err=%v", created, err)
	}
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s, want ed25519", signer.PublicKey().Type())
	}
	if fp2 := gossh.FingerprintSHA256(signer.PublicKey()); fp2 != fp1 {
		t.Errorf("fingerprint changed across runs: %s then %s", fp1, fp2)
	}
	// The README tells users to check the key with ssh-keygen -lf.
	if _, err := exec.LookPath("ssh-keygen"); err == nil {
		out, err := exec.Command("ssh-keygen", "-lf", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), fp1) {
			t.Errorf("ssh-keygen -lf: %v %s; want %s", err, out, fp1)
		}
	}
}

func TestHostKeyErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	writeFile(t, bad, "not a key")
	if _, _, err := loadOrCreateHostKey(bad, nil); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt key: err = %v, want an error naming the file", err)
	}
	// A regular file where the directory should be.
	blocker := filepath.Join(dir, "file")
	writeFile(t, blocker, "x")
	if _, _, err := loadOrCreateHostKey(filepath.Join(blocker, "host_ed25519"), nil); err == nil {
		t.Error("host key under a regular file: no error")
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if p, _ := DefaultHostKeyPath(); p != "/xdg/backchat/host_ed25519" {
		t.Errorf("with XDG_DATA_HOME: %s", p)
	}
	t.Setenv("XDG_DATA_HOME", "")
	if p, _ := DefaultHostKeyPath(); p != "/home/u/.local/share/backchat/host_ed25519" {
		t.Errorf("without XDG_DATA_HOME: %s", p)
	}
	if p, _ := DefaultAuthorizedKeysPath(); p != "/home/u/.ssh/authorized_keys" {
		t.Errorf("authorized keys: %s", p)
	}
	cfg, err := DefaultConfig()
	if err != nil || cfg.Listen != "127.0.0.1:2222" || cfg.MaxSessions != 16 || cfg.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("DefaultConfig = %+v, %v", cfg, err)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:2222": true, "[::1]:2222": true, "localhost:22": true, "127.8.9.10:1": true,
		":2222": false, "0.0.0.0:2222": false, "192.168.1.5:22": false, "example.com:22": false, "bogus": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	if _, err := (Config{}).withDefaults(); err == nil {
		t.Error("missing NewModel accepted")
	}
	if _, err := (Config{NewModel: fixtureFactory, MaxSessions: -1}).withDefaults(); err == nil {
		t.Error("negative MaxSessions accepted")
	}
	c, err := (Config{NewModel: fixtureFactory, IdleTimeout: -1, HostKeyPath: "h", AuthorizedKeysPath: "a"}).withDefaults()
	if err != nil || c.IdleTimeout != -1 || c.MaxSessions != DefaultMaxSessions || c.ShutdownTimeout != DefaultShutdownTimeout {
		t.Errorf("withDefaults = %+v, %v", c, err)
	}
}

func TestNonLoopbackListenIsWarned(t *testing.T) {
	var buf syncBuffer
	logger := log.New(&buf)
	warnIfExposed(logger, "127.0.0.1:2222")
	if buf.String() != "" {
		t.Errorf("loopback address warned: %s", buf.String())
	}
	warnIfExposed(logger, "0.0.0.0:2222")
	if !strings.Contains(buf.String(), "WARN") || !strings.Contains(buf.String(), "non-loopback") {
		t.Errorf("no warning for 0.0.0.0: %q", buf.String())
	}
}
