package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The rolling deploy replaces the servers with builds of the demo whose
// payload type has gained a field, then lost one: go build -overlay
// replaces the file that holds the type, examples/demo/site/user.go, with
// a variant made from it here. The rest of the demo still refers to every
// field of the real type, so the variant that loses one keeps the Go field
// and drops it from the payload (the tag json:"-"): the sealed form, which
// is all another server sees, loses exactly one member.
const (
	userFile    = "examples/demo/site/user.go" // relative to the repository root
	payloadType = "User"
	gainedField = "FleetGained" // added by the "gained" variant
	gainedJSON  = "fleet_gained"
	lostField   = "Email" // dropped from the payload by the "lost" variant; the visitors do not check it
	lostJSON    = "e"     // its member, which TestPayloadVariants checks
)

// The builds of the demo.
const (
	buildReal   = "real"
	buildGained = "gained"
	buildLost   = "lost"
)

// member is a field of the payload type: its Go name and its JSON member
// name ("" when it is not sealed: tag json:"-").
type member struct{ Field, JSON string }

// payloadMembers returns the fields of the one type declared in src, which
// must be a struct named payloadType: a file that holds anything else is
// no longer the payload's file, and an overlay of it would test nothing.
func payloadMembers(src []byte) ([]member, error) {
	f, err := parser.ParseFile(token.NewFileSet(), userFile, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	st, err := payloadStruct(f)
	if err != nil {
		return nil, err
	}
	var ms []member
	for _, fl := range st.Fields.List {
		if len(fl.Names) == 0 {
			return nil, fmt.Errorf("%s: %s embeds a type: the variants cannot tell its members", userFile, payloadType)
		}
		tag := ""
		if fl.Tag != nil {
			tag, _ = strconv.Unquote(fl.Tag.Value)
		}
		for _, n := range fl.Names {
			if !n.IsExported() {
				continue // not sealed
			}
			name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
			switch name {
			case "-":
				name = ""
			case "":
				name = n.Name
			}
			ms = append(ms, member{n.Name, name})
		}
	}
	return ms, nil
}

// payloadStruct returns the struct of the one type declared in f.
func payloadStruct(f *ast.File) (*ast.StructType, error) {
	var specs []*ast.TypeSpec
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				specs = append(specs, s.(*ast.TypeSpec))
			}
		}
	}
	if len(specs) != 1 || specs[0].Name.Name != payloadType {
		return nil, fmt.Errorf("%s declares %d types; want %s alone", userFile, len(specs), payloadType)
	}
	st, ok := specs[0].Type.(*ast.StructType)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a struct", userFile, payloadType)
	}
	return st, nil
}

// payloadVariant returns the source of user.go with the payload type
// changed for the build: buildGained appends gainedField (sealed as
// gainedJSON, always: no omitempty), buildLost tags lostField json:"-".
func payloadVariant(src []byte, build string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, userFile, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	st, err := payloadStruct(f)
	if err != nil {
		return nil, err
	}
	switch build {
	case buildGained:
		st.Fields.List = append(st.Fields.List, &ast.Field{
			Names: []*ast.Ident{ast.NewIdent(gainedField)},
			Type:  ast.NewIdent("string"),
			Tag:   &ast.BasicLit{Kind: token.STRING, Value: "`json:\"" + gainedJSON + "\"`"},
		})
	case buildLost:
		i := slices.IndexFunc(st.Fields.List, func(fl *ast.Field) bool {
			return len(fl.Names) == 1 && fl.Names[0].Name == lostField
		})
		if i < 0 {
			return nil, fmt.Errorf("%s: %s has no field %s (alone on its line) to lose", userFile, payloadType, lostField)
		}
		st.Fields.List[i].Tag = &ast.BasicLit{Kind: token.STRING, Value: "`json:\"-\"`"}
	default:
		return nil, fmt.Errorf("no variant %q", build)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// checkVariant checks that variant's payload differs from real's by
// exactly the one field the build is about, and that the real type seals
// that member: otherwise the rolling deploy would prove nothing.
func checkVariant(real, variant []byte, build string) error {
	rm, err := payloadMembers(real)
	if err != nil {
		return err
	}
	vm, err := payloadMembers(variant)
	if err != nil {
		return fmt.Errorf("the %s variant: %w", build, err)
	}
	sealed := func(ms []member) []string {
		var s []string
		for _, m := range ms {
			if m.JSON != "" {
				s = append(s, m.JSON)
			}
		}
		return s
	}
	rs, vs := sealed(rm), sealed(vm)
	var want []string
	switch build {
	case buildGained:
		if slices.Contains(rs, gainedJSON) {
			return fmt.Errorf("%s already seals %q: the gained variant would gain nothing", payloadType, gainedJSON)
		}
		want = append(slices.Clone(rs), gainedJSON)
	case buildLost:
		i := slices.IndexFunc(rm, func(m member) bool { return m.Field == lostField })
		if i < 0 || rm[i].JSON == "" {
			return fmt.Errorf("%s does not seal a field %s: the lost variant would lose nothing", payloadType, lostField)
		}
		want = slices.DeleteFunc(slices.Clone(rs), func(s string) bool { return s == rm[i].JSON })
	default:
		return fmt.Errorf("no variant %q", build)
	}
	if !slices.Equal(vs, want) {
		return fmt.Errorf("the %s variant seals %q; want %q, the real %s's %q with exactly one member changed", build, vs, want, payloadType, rs)
	}
	return nil
}

// writeOverlay writes the variant of the repository's user.go into dir
// and the overlay file that puts it in place, and returns the overlay's
// path.
func writeOverlay(root, dir, build string) (string, error) {
	realPath := filepath.Join(root, userFile)
	real, err := os.ReadFile(realPath)
	if err != nil {
		return "", err
	}
	src, err := payloadVariant(real, build)
	if err != nil {
		return "", err
	}
	if err := checkVariant(real, src, build); err != nil {
		return "", err
	}
	file := filepath.Join(dir, "user_"+build+".go")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return "", err
	}
	b, err := json.Marshal(map[string]map[string]string{"Replace": {realPath: file}})
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(dir, "overlay_"+build+".json")
	return overlay, os.WriteFile(overlay, b, 0o644)
}

// TestPayloadVariants checks the variants of the demo's payload type as
// the repository has it now (so a change to the demo that would make the
// rolling deploy meaningless fails here, quickly), and the check itself on
// payload types that break it.
func TestPayloadVariants(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("..", userFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, build := range []string{buildGained, buildLost} {
		src, err := payloadVariant(real, build)
		if err != nil {
			t.Fatalf("%s: %v", build, err)
		}
		if err := checkVariant(real, src, build); err != nil {
			t.Errorf("the repository's %s: %v", userFile, err)
		}
	}
	ms, err := payloadMembers(real)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(ms, func(m member) bool { return m.Field == lostField }); i < 0 || ms[i].JSON != lostJSON {
		t.Errorf("%s: %s's field %s is sealed as %v; the fleet looks for the member %q", userFile, payloadType, lostField, ms, lostJSON)
	}

	const head = "package site\n\n"
	base := head + "type User struct {\n\tUsername string `json:\"u\"`\n\tEmail string `json:\"e\"`\n}\n"
	tests := []struct {
		name, real, variant, build string
		ok                         bool
	}{
		{"gained", base, head + "type User struct {\n\tUsername string `json:\"u\"`\n\tEmail string `json:\"e\"`\n\tFleetGained string `json:\"fleet_gained\"`\n}\n", buildGained, true},
		{"lost", base, head + "type User struct {\n\tUsername string `json:\"u\"`\n\tEmail string `json:\"-\"`\n}\n", buildLost, true},
		{"gained two", base, head + "type User struct {\n\tUsername string `json:\"u\"`\n\tEmail string `json:\"e\"`\n\tFleetGained string `json:\"fleet_gained\"`\n\tMore int\n}\n", buildGained, false},
		{"gained renamed another", base, head + "type User struct {\n\tUsername string `json:\"user\"`\n\tEmail string `json:\"e\"`\n\tFleetGained string `json:\"fleet_gained\"`\n}\n", buildGained, false},
		{"lost nothing", base, base, buildLost, false},
		{"real has the gained member", head + "type User struct {\n\tX string `json:\"fleet_gained\"`\n}\n", head + "type User struct {\n\tX string `json:\"fleet_gained\"`\n\tFleetGained string `json:\"fleet_gained\"`\n}\n", buildGained, false},
		{"real does not seal Email", head + "type User struct {\n\tUsername string `json:\"u\"`\n\tEmail string `json:\"-\"`\n}\n", head + "type User struct {\n\tUsername string `json:\"u\"`\n\tEmail string `json:\"-\"`\n}\n", buildLost, false},
		{"type moved out", head + "type Account struct{ Name string }\n", head + "type Account struct{ Name string }\n", buildGained, false},
		{"a second type", base + "type Other int\n", base + "type Other int\n", buildGained, false},
		{"not a struct", head + "type User map[string]string\n", head + "type User map[string]string\n", buildGained, false},
	}
	for _, tt := range tests {
		if err := checkVariant([]byte(tt.real), []byte(tt.variant), tt.build); (err == nil) != tt.ok {
			t.Errorf("%s: checkVariant: %v; want ok %v", tt.name, err, tt.ok)
		}
	}
	// What payloadVariant makes passes the check, for every real type
	// above that has the fields it needs.
	for _, build := range []string{buildGained, buildLost} {
		src, err := payloadVariant([]byte(base), build)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkVariant([]byte(base), src, build); err != nil {
			t.Errorf("payloadVariant(%s): %v\n%s", build, err, src)
		}
	}
}
