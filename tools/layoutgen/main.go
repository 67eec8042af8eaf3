// layoutgen prints the linux/amd64 layout of the Go runtime's scheduler structures (g, m, p, schedt, gobuf,
// stack) as compiled from one Go source tree: one line "path offset size" per field, nested fields as
// "g.sched.sp", and "g -1 SIZE" for each structure's whole size. tools/layoutgen/emit_tables.py turns these
// lines into gostructs/version_tables_*.cpp. See tools/layoutgen/README.md.
//
// How: the tree's whole `runtime` package (and what it imports) is type-checked with go/types, as the tree's
// own `go build` would select its files for GOOS=linux GOARCH=amd64 CGO_ENABLED=0: the tree's release tags
// (go1.1 ... go1.N from src/internal/goversion), its default GOEXPERIMENTs for linux/amd64 (read from
// src/internal/buildcfg/exp.go) and amd64.v1. Sizes follow cmd/compile, not go/types of go1.19 (see gcSizes).
//
// It runs with an older Go (Debian bookworm's go1.19) on newer trees, so some declarations of a newer tree
// may not parse or type-check (generic type aliases, new builtins in constant expressions, ...). Those are
// tolerated only when they cannot change the structures: the tool fails when a parse error falls in a file
// that declares a type the structures contain, or when an invalid type or an array of unknown length is
// reachable from them; every other error is counted and, with -v, listed.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The structures gostart-emu's model reads (gostructs/model_fields.h).
var structNames = []string{"g", "m", "p", "schedt", "gobuf", "stack"}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "layoutgen: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	verbose := flag.Bool("v", false, "list the declarations that did not parse or type-check (none reach the structures)")
	experiments := flag.String("experiments", "auto", "comma-separated GOEXPERIMENT names (lower case), or auto: the tree's linux/amd64 defaults")
	depth := flag.Int("depth", 3, "deepest nesting printed (g.sched.sp is 2)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: layoutgen [-v] [-experiments auto|a,b] [-depth N] GOROOT")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	root := flag.Arg(0)
	minor, err := goMinor(root)
	if err != nil {
		fail("%s: %v", root, err)
	}
	var exps []string
	if *experiments == "auto" {
		if exps, err = defaultExperiments(root); err != nil {
			fail("%s: %v", root, err)
		}
	} else if *experiments != "" {
		exps = strings.Split(*experiments, ",")
	}

	ctx := build.Default
	ctx.GOROOT, ctx.GOPATH = root, ""
	ctx.GOOS, ctx.GOARCH, ctx.Compiler, ctx.CgoEnabled = "linux", "amd64", "gc", false
	ctx.BuildTags = nil
	ctx.ReleaseTags = nil
	for i := 1; i <= minor; i++ {
		ctx.ReleaseTags = append(ctx.ReleaseTags, fmt.Sprintf("go1.%d", i))
	}
	ctx.ToolTags = nil
	for _, e := range exps {
		ctx.ToolTags = append(ctx.ToolTags, "goexperiment."+e)
	}
	if minor >= 18 { // GOAMD64 exists from go1.18; v1 is the default and what gostart-emu emulates
		ctx.ToolTags = append(ctx.ToolTags, "amd64.v1")
	}
	fmt.Fprintf(os.Stderr, "layoutgen: %s: go1.%d, linux/amd64, tags %v\n", root, minor, ctx.ToolTags)

	l := &loader{ctx: ctx, fset: token.NewFileSet(), pkgs: map[string]*types.Package{}, sizes: gcSizes{types.SizesFor("gc", "amd64")}}
	rt, err := l.Import("runtime")
	if err != nil {
		fail("runtime: %v", err)
	}

	out := map[string][2]int64{}
	reach := map[*types.TypeName]bool{}
	for _, name := range structNames {
		obj, ok := rt.Scope().Lookup(name).(*types.TypeName)
		if !ok {
			fail("runtime.%s: no such type", name)
		}
		st, ok := obj.Type().Underlying().(*types.Struct)
		if !ok {
			fail("runtime.%s: not a struct", name)
		}
		if err := checkLayoutType(obj.Type(), name, reach); err != nil {
			fail("%v", err)
		}
		out[name] = [2]int64{-1, l.sizes.Sizeof(obj.Type())}
		walk(out, l.sizes, name+".", st, 0)
	}
	// A parse error in a file that declares a type the structures contain could have dropped some of its
	// fields silently (the parser resumes after the error, and the partial declaration can end before it):
	// refuse rather than print a layout that may be short.
	for _, pe := range l.parseErrs {
		for _, tn := range l.typesDeclaredIn(pe.Pos.Filename) {
			for obj := range reach {
				if obj.Name() == tn && obj.Pkg() != nil && obj.Pkg().Path() == l.fileToPkg[pe.Pos.Filename] {
					fail("%s: %s: in the file that declares %s, which the structures contain", pe.Pos, pe.Msg, tn)
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "layoutgen: %d parse errors and %d type errors outside the structures (-v lists them)\n",
		len(l.parseErrs), len(l.typeErrs))
	if *verbose {
		for _, e := range l.parseErrs {
			fmt.Fprintf(os.Stderr, "  parse: %s: %s\n", e.Pos, e.Msg)
		}
		for _, e := range l.typeErrs {
			fmt.Fprintf(os.Stderr, "  type: %v\n", e)
		}
	}

	var keys []string
	for k := range out {
		if strings.Count(k, ".") <= *depth {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s %d %d\n", k, out[k][0], out[k][1])
	}
}

// goMinor reads N from src/internal/goversion/goversion.go ("const Version = N"), as cmd/dist does.
func goMinor(root string) (int, error) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, "src/internal/goversion/goversion.go"), nil, 0)
	if err != nil {
		return 0, err
	}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				if len(vs.Names) == 1 && vs.Names[0].Name == "Version" && len(vs.Values) == 1 {
					if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
						return strconv.Atoi(lit.Value)
					}
				}
			}
		}
	}
	return 0, fmt.Errorf("no const Version in src/internal/goversion/goversion.go")
}

// The identifiers exp.go uses in its baseline, with their value for linux/amd64 (each read from exp.go:
// regabiSupported is true for amd64, haveXchg8 for amd64, dwarf5Supported for every GOOS but darwin/ios/aix).
var linuxAmd64Idents = map[string]bool{"regabiSupported": true, "haveXchg8": true, "dwarf5Supported": true}

// defaultExperiments evaluates the `baseline := goexperiment.Flags{...}` literal of the tree's
// src/internal/buildcfg/exp.go for linux/amd64; a tree older than go1.17 has none (no experiment tags).
// An expression it does not know stops the tool: pass -experiments then.
func defaultExperiments(root string) ([]string, error) {
	path := filepath.Join(root, "src/internal/buildcfg/exp.go")
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil, nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	var lit *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == "baseline" {
			if cl, ok := as.Rhs[0].(*ast.CompositeLit); ok {
				lit = cl
			}
		}
		return true
	})
	if lit == nil {
		return nil, fmt.Errorf("%s: no baseline goexperiment.Flags literal", path)
	}
	var on []string
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return nil, fmt.Errorf("%s: unexpected baseline element", path)
		}
		key := kv.Key.(*ast.Ident).Name
		val, ok := kv.Value.(*ast.Ident)
		if !ok {
			return nil, fmt.Errorf("%s: baseline %s: expression not understood; use -experiments", path, key)
		}
		v, known := map[string]bool{"true": true, "false": false}[val.Name]
		if !known {
			if v, known = linuxAmd64Idents[val.Name]; !known {
				return nil, fmt.Errorf("%s: baseline %s: %s not understood; use -experiments", path, key, val.Name)
			}
		}
		if v {
			on = append(on, strings.ToLower(key))
		}
	}
	return on, nil
}

type loader struct {
	ctx       build.Context
	fset      *token.FileSet
	pkgs      map[string]*types.Package
	sizes     types.Sizes
	files     []*ast.File
	fileToPkg map[string]string
	parseErrs []*scanner.Error
	typeErrs  []error
}

func (l *loader) Import(path string) (*types.Package, error) { return l.ImportFrom(path, "", 0) }

func (l *loader) ImportFrom(path, dir string, _ types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if p, ok := l.pkgs[path]; ok {
		return p, nil
	}
	if l.fileToPkg == nil {
		l.fileToPkg = map[string]string{}
	}
	bp, err := l.ctx.Import(path, "", 0)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range bp.GoFiles {
		fn := filepath.Join(bp.Dir, name)
		af, err := parser.ParseFile(l.fset, fn, nil, parser.AllErrors)
		if el, ok := err.(scanner.ErrorList); ok {
			l.parseErrs = append(l.parseErrs, el...)
		} else if err != nil {
			return nil, err
		}
		if af != nil {
			files = append(files, af)
			l.files = append(l.files, af)
			l.fileToPkg[fn] = path
		}
	}
	conf := types.Config{
		Importer:         l,
		IgnoreFuncBodies: true, // only declarations decide layouts
		Sizes:            l.sizes,
		FakeImportC:      true,
		Error:            func(err error) { l.typeErrs = append(l.typeErrs, err) },
	}
	p, _ := conf.Check(path, l.fset, files, nil)
	l.pkgs[path] = p
	return p, nil
}

// typesDeclaredIn names the types declared at package level in the file (as far as it parsed).
func (l *loader) typesDeclaredIn(filename string) []string {
	var names []string
	for _, f := range l.files {
		if l.fset.Position(f.Pos()).Filename != filename {
			continue
		}
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, s := range gd.Specs {
					names = append(names, s.(*ast.TypeSpec).Name.Name)
				}
			}
		}
	}
	return names
}

// checkLayoutType fails when t's size could be wrong: an invalid type or an array whose length did not
// evaluate, anywhere in what is laid out inline (pointers, slices, maps... are one or a few words whatever
// they point at). It records the named types it passes through.
func checkLayoutType(t types.Type, where string, seen map[*types.TypeName]bool) error {
	if n, ok := t.(*types.Named); ok {
		if seen[n.Obj()] {
			return nil
		}
		seen[n.Obj()] = true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Kind() == types.Invalid {
			return fmt.Errorf("%s: invalid type (a declaration it needs did not type-check)", where)
		}
	case *types.Array:
		if u.Len() < 0 {
			return fmt.Errorf("%s: array length unknown", where)
		}
		return checkLayoutType(u.Elem(), where+"[]", seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if err := checkLayoutType(u.Field(i).Type(), where+"."+u.Field(i).Name(), seen); err != nil {
				return err
			}
		}
	case *types.Interface, *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature:
	default:
		return fmt.Errorf("%s: unexpected type %T", where, u)
	}
	return nil
}

// gcSizes lays out as cmd/compile does (types.CalcSize): a struct's size is rounded up to its alignment,
// an array is Len times its element's rounded size, and a struct that ends in a zero-size field gets one
// byte of padding so that a pointer to that field cannot point past the object. go1.19's go/types
// StdSizes does neither rounding nor the padding.
type gcSizes struct{ std types.Sizes }

func (s gcSizes) Alignof(t types.Type) int64 { return s.std.Alignof(t) }

func (s gcSizes) Offsetsof(fields []*types.Var) []int64 {
	offs := make([]int64, len(fields))
	var o int64
	for i, f := range fields {
		a := s.Alignof(f.Type())
		o = (o + a - 1) / a * a
		offs[i] = o
		o += s.Sizeof(f.Type())
	}
	return offs
}

func (s gcSizes) Sizeof(t types.Type) int64 {
	switch u := t.Underlying().(type) {
	case *types.Array:
		return u.Len() * s.Sizeof(u.Elem())
	case *types.Struct:
		n := u.NumFields()
		if n == 0 {
			return 0
		}
		fields := make([]*types.Var, n)
		for i := range fields {
			fields[i] = u.Field(i)
		}
		offs := s.Offsetsof(fields)
		last := s.Sizeof(fields[n-1].Type())
		size := offs[n-1] + last
		if last == 0 && size > 0 {
			size++
		}
		a := s.Alignof(t)
		return (size + a - 1) / a * a
	}
	return s.std.Sizeof(t)
}

// walk records every named field of st at base (blank fields are padding and are skipped).
func walk(out map[string][2]int64, sz types.Sizes, prefix string, st *types.Struct, base int64) {
	fields := make([]*types.Var, st.NumFields())
	for i := range fields {
		fields[i] = st.Field(i)
	}
	offs := sz.Offsetsof(fields)
	for i, f := range fields {
		if f.Name() == "_" {
			continue
		}
		off := base + offs[i]
		out[prefix+f.Name()] = [2]int64{off, sz.Sizeof(f.Type())}
		if inner, ok := f.Type().Underlying().(*types.Struct); ok {
			walk(out, sz, prefix+f.Name()+".", inner, off)
		}
	}
}
