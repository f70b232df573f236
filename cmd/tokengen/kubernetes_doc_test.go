//go:build unix

package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// kubernetesDoc is the deployment guide this test checks.
const kubernetesDoc = "../../docs/kubernetes.md"

// docBlocks returns the fenced code blocks of the guide in the language
// lang, in order.
func docBlocks(t *testing.T, lang string) []string {
	t.Helper()
	return codeBlocks(t, readText(t, kubernetesDoc), lang)
}

// readmeBlocks returns the code blocks of the README's section on
// Kubernetes in the language lang.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	const heading = "\n## Deployment on Kubernetes\n"
	_, section, ok := strings.Cut(readText(t, "../../README.md"), heading)
	if !ok {
		t.Fatalf("README.md has no section %q", strings.TrimSpace(heading))
	}
	section, _, _ = strings.Cut(section, "\n## ")
	return codeBlocks(t, section, lang)
}

func readText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// codeBlocks returns the fenced code blocks of text in the language lang.
func codeBlocks(t *testing.T, text, lang string) []string {
	t.Helper()
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^ *```"+lang+"\n(.*?)^ *```\n").FindAllStringSubmatch(text, -1) {
		blocks = append(blocks, m[1])
	}
	if len(blocks) == 0 {
		t.Fatalf("no %s blocks", lang)
	}
	return blocks
}

// manifests returns the guide's YAML documents by kind.
func manifests(t *testing.T) map[string]map[string]any {
	t.Helper()
	byKind := map[string]map[string]any{}
	for _, block := range docBlocks(t, "yaml") {
		docs, err := parseYAML(block)
		if err != nil {
			t.Fatalf("a YAML block of %s: %v", kubernetesDoc, err)
		}
		for _, d := range docs {
			m, ok := d.(map[string]any)
			kind, _ := m["kind"].(string)
			if !ok || kind == "" {
				t.Fatalf("a YAML document without a kind: %v", d)
			}
			if _, dup := byKind[kind]; dup {
				t.Fatalf("two %s manifests", kind)
			}
			byKind[kind] = m
		}
	}
	return byKind
}

// get follows keys (map members, or "#i" for a list's i-th item) from v
// and returns what it finds, or fails the test.
func get(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("the manifest has no %s", strings.Join(keys[:i+1], "."))
			}
		case []any:
			n, err := strconv.Atoi(strings.TrimPrefix(k, "#"))
			if err != nil || n >= len(x) {
				t.Fatalf("the manifest has no %s", strings.Join(keys[:i+1], "."))
			}
			v = x[n]
		default:
			t.Fatalf("the manifest's %s is not a mapping or a list", strings.Join(keys[:i], "."))
		}
	}
	return v
}

func str(t *testing.T, v any, keys ...string) string {
	t.Helper()
	s, ok := get(t, v, keys...).(string)
	if !ok {
		t.Fatalf("the manifest's %s is not a scalar", strings.Join(keys, "."))
	}
	return s
}

// named returns the item of the list at keys whose name is name.
func named(t *testing.T, v any, name string, keys ...string) map[string]any {
	t.Helper()
	list, ok := get(t, v, keys...).([]any)
	if !ok {
		t.Fatalf("the manifest's %s is not a list", strings.Join(keys, "."))
	}
	for _, item := range list {
		if m, ok := item.(map[string]any); ok && m["name"] == name {
			return m
		}
	}
	t.Fatalf("the manifest's %s has no item named %q", strings.Join(keys, "."), name)
	return nil
}

// kubeletFile describes the keyring file as the kubelet writes it into a
// Secret volume: owned by root, in the group fsGroup, with the volume's
// defaultMode plus group read (a read-only volume with an fsGroup).
type kubeletFile struct {
	mode    fs.FileMode
	fsGroup uint32
}

func (f kubeletFile) Name() string       { return "keys.json" }
func (f kubeletFile) Size() int64        { return 512 }
func (f kubeletFile) Mode() fs.FileMode  { return f.mode }
func (f kubeletFile) ModTime() time.Time { return t0 }
func (f kubeletFile) IsDir() bool        { return false }
func (f kubeletFile) Sys() any           { return &syscall.Stat_t{Uid: 0, Gid: f.fsGroup} }

// TestKubernetesManifests checks what docs/kubernetes.md's manifests state
// against the code: the Secret's key is the file the server is given, at
// the mount path; the volume's mode is one the keyring's permission rule
// accepts (docs/attacks.md C11), where Kubernetes' default is refused;
// the pod does not run as root, mounts the volume read-only and whole
// (no subPath, which the kubelet never updates), and has a readiness probe
// on a port it declares.
func TestKubernetesManifests(t *testing.T) {
	t.Parallel()
	m := manifests(t)
	secret, deploy := m["Secret"], m["Deployment"]
	if secret == nil || deploy == nil {
		t.Fatalf("want a Secret and a Deployment; the guide has %v", slices.Sorted(maps.Keys(m)))
	}
	secretName := str(t, secret, "metadata", "name")
	data, ok := get(t, secret, "data").(map[string]any)
	if !ok || len(data) != 1 {
		t.Fatalf("the Secret's data: %v; want one key, the keyring", data)
	}
	var fileName string
	for k := range data {
		fileName = k
	}
	if fileName != "keys.json" {
		t.Errorf("the Secret's key is %q; the guide says keys.json", fileName)
	}

	pod := get(t, deploy, "spec", "template", "spec")
	vol := named(t, pod, "keyring", "volumes")
	if got := str(t, vol, "secret", "secretName"); got != secretName {
		t.Errorf("the volume mounts Secret %q; the Secret is %q", got, secretName)
	}
	mode, err := strconv.ParseUint(str(t, vol, "secret", "defaultMode"), 0, 32) // YAML 1.1: 0440 is octal
	if err != nil {
		t.Fatalf("defaultMode: %v", err)
	}
	fsGroup, err := strconv.ParseUint(str(t, pod, "securityContext", "fsGroup"), 10, 32)
	if err != nil {
		t.Fatalf("fsGroup: %v", err)
	}
	file := kubeletFile{fs.FileMode(mode) | 0o440, uint32(fsGroup)}
	if file.mode != 0o440 {
		t.Errorf("the kubelet makes the file mode %04o; the guide says 0440", file.mode)
	}
	if err := keyring.CheckFileMode("/etc/sessionless/keys.json", file); err != nil {
		t.Errorf("the keyring refuses the file the Deployment mounts: %v", err)
	}
	if err := keyring.CheckFileMode("/etc/sessionless/keys.json", kubeletFile{0o644, uint32(fsGroup)}); err == nil {
		t.Errorf("the keyring accepts Kubernetes' default mode 0644; the guide says it refuses it")
	}
	if str(t, pod, "securityContext", "runAsNonRoot") != "true" || str(t, pod, "securityContext", "runAsUser") == "0" {
		t.Errorf("the pod may run as root")
	}

	containers, _ := get(t, pod, "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("want one container, not %d", len(containers))
	}
	c := containers[0]
	mount := named(t, c, "keyring", "volumeMounts")
	mountPath := str(t, mount, "mountPath")
	if mount["readOnly"] != "true" || mount["subPath"] != nil {
		t.Errorf("the keyring volume is mounted %v; want readOnly: true and no subPath", mount)
	}
	want := path.Join(mountPath, fileName)
	if want != "/etc/sessionless/keys.json" {
		t.Errorf("the keyring file is %s; the guide says /etc/sessionless/keys.json", want)
	}
	if got := str(t, named(t, c, keyring.EnvKeyringFile, "env"), "value"); got != want {
		t.Errorf("$%s is %q; the mounted file is %q", keyring.EnvKeyringFile, got, want)
	}
	port := str(t, c, "readinessProbe", "httpGet", "port")
	if named(t, c, port, "ports")["containerPort"] == nil {
		t.Errorf("the readiness probe's port %q is not a port of the container", port)
	}
}

// TestKubernetesCommands checks the shell of the guide and of the README's
// section on Kubernetes: every kubectl command
// names the Secret and its key as the manifests do, and every tokengen
// command runs (through -keyring -, as the pipes run it) on a keyring like
// the one the guide speaks of: b7Rt0pQe primary, Xq3v9aBc pending. The
// commands of one block run in turn, each on the keyring the one before
// wrote. An output the guide quotes must be what tokengen prints.
func TestKubernetesCommands(t *testing.T) {
	t.Parallel()
	m := manifests(t)
	secretName := str(t, m["Secret"], "metadata", "name")
	blocks := append(docBlocks(t, "sh"), readmeBlocks(t, "sh")...)
	all := strings.Join(blocks, "\n")
	names := map[string]*regexp.Regexp{
		secretName:  regexp.MustCompile(`kubectl (?:get|patch|create) secret (?:generic )?(\S+)`),
		"keys.json": regexp.MustCompile(`\{\.data\.(\S+?)\}|--from-file=([^=]+)=|"data":\{"([^"]+)"`),
	}
	for want, re := range names {
		found := re.FindAllStringSubmatch(all, -1)
		if len(found) < 2 {
			t.Errorf("the guide's commands name %q %d times; want it in each of them", want, len(found))
		}
		for _, f := range found {
			if got := strings.ReplaceAll(strings.Join(f[1:], ""), `\.`, "."); got != want {
				t.Errorf("%q names %q; want %q", f[0], got, want)
			}
		}
	}

	e := newEnv(t)
	e.now = t0
	e.write(time.Time{},
		fixedKey(t, "b7Rt0pQe", 1, t0.Add(-40*24*time.Hour), t0.Add(-40*24*time.Hour)),
		fixedKey(t, "Xq3v9aBc", 2, t0, t0.Add(10*time.Minute)))
	fixture := string(e.readFile())
	runs := 0
	for _, block := range blocks {
		doc := fixture
		lines := strings.Split(block, "\n")
		for i, line := range lines {
			args, changes := tokengenCommand(t, line)
			if args == nil {
				continue
			}
			e.now = t0
			quoted := ""
			if i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "# added key") {
				quoted = strings.TrimPrefix(strings.TrimSpace(lines[i+1]), "# ")
				e.now = quotedClock(t, quoted)
			}
			r := e.exec(doc, args...)
			runs++
			if r.code != 0 {
				t.Errorf("tokengen %q = %d: %s", args, r.code, r.stderr)
				continue
			}
			if quoted != "" {
				id := regexp.MustCompile(`^added key (` + idRE + `)`).FindStringSubmatch(r.stderr)
				if id == nil || !strings.HasPrefix(r.stderr, strings.Replace(quoted, "Xq3v9aBc", id[1], 1)+"\n") {
					t.Errorf("the guide quotes %q; tokengen printed %q", quoted, r.stderr)
				}
			}
			if changes {
				doc = r.stdout
			}
		}
	}
	if runs < 10 { // the guide: init, list twice, rotate twice, retire twice, revoke; the README: init, list
		t.Errorf("ran %d tokengen commands of the guide; it has more", runs)
	}

	// The Go snippet parses, and reads the variable the Deployment sets.
	for _, block := range docBlocks(t, "go") {
		if _, err := parser.ParseFile(token.NewFileSet(), "snippet.go", "package p\nfunc f() {\n"+block+"}\n", 0); err != nil {
			t.Errorf("the guide's Go does not parse: %v", err)
		}
		if !strings.Contains(block, "os.Getenv(keyring.EnvKeyringFile)") {
			t.Errorf("the guide's Go does not read $%s", keyring.EnvKeyringFile)
		}
	}
}

// tokengenCommand returns the tokengen command line of a line of the
// guide's shell, with -keyring - (tokengen_k8s adds it), and whether it
// changes the keyring; nil if the line runs no tokengen command.
func tokengenCommand(t *testing.T, line string) (args []string, changes bool) {
	t.Helper()
	line = regexp.MustCompile(`(^|\s)#.*$`).ReplaceAllString(line, "")
	if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "tokengen_k8s "); ok {
		f := strings.Fields(rest)
		return append([]string{f[0], "-keyring", "-"}, f[1:]...), true
	}
	m := regexp.MustCompile(`(?:^|\|\s*)tokengen ([a-z-]+)( [^|]*)?(?:\||$)`).FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return nil, false
	}
	if _, ok := newCLI(nil, nil, nil).lookup(m[1]); !ok {
		t.Errorf("the guide runs an unknown command: %q", line)
		return nil, false
	}
	args = append([]string{m[1]}, strings.Fields(m[2])...)
	if !slices.Contains(args, "-") {
		t.Errorf("the guide runs tokengen without -keyring -: %q", line)
	}
	return args, false
}

// quotedClock returns the clock at which rotate prints the output the
// guide quotes: a fraction of a second before the activation less the
// delay.
func quotedClock(t *testing.T, quoted string) time.Time {
	t.Helper()
	m := regexp.MustCompile(`activates (\S+) \(in (\S+)\)$`).FindStringSubmatch(quoted)
	if m == nil {
		t.Fatalf("the guide quotes %q; want an activation time and delay", quoted)
	}
	act, err := time.Parse(time.RFC3339, m[1])
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.ParseDuration(m[2])
	if err != nil {
		t.Fatal(err)
	}
	return act.Add(-d - 400*time.Millisecond)
}
