package complete

import (
	"cmp"
	"context"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// Ranks order candidates of equal match quality: names closer to the cursor
// first.
const (
	rankLocal    = iota // declared in an enclosing function
	rankPackage         // declared in the notebook at package level, or a member
	rankImport          // an imported package
	rankUniverse        // a builtin
	rankKeyword
	rankKnown // a package the kernel would import
)

// A candidate is a name that may complete the query.
type candidate struct {
	name, kind, sig string
	rank            int
}

// candidates lists what may complete q: members after a dot, else the names
// in scope at the cursor, keywords and known packages.
func (a *analysis) candidates(ctx context.Context, pk *packages, q *query) []candidate {
	if q.recv != "" {
		return a.memberCandidates(q.recv)
	}
	qual := qualifier(a.pkg)
	names := map[string]bool{}
	for s := a.scope; s != nil; s = s.Parent() {
		for _, n := range s.Names() {
			names[n] = true
		}
	}
	var out []candidate
	for n := range names {
		if n == "_" {
			continue
		}
		s, obj := a.scope.LookupParent(n, a.pos)
		if obj == nil {
			continue
		}
		rank := rankLocal
		switch {
		case s == types.Universe:
			rank = rankUniverse
		case s == a.pkg.Scope():
			rank = rankPackage
		case s.Parent() == a.pkg.Scope():
			rank = rankImport // the file scope
		}
		out = append(out, candidate{name: n, kind: kindOf(obj), sig: shortSig(obj, qual), rank: rank})
	}
	if q.prefix != "" { // on an empty prefix, keywords and unimported packages are noise
		for _, kw := range keywords() {
			out = append(out, candidate{name: kw, kind: "keyword", rank: rankKeyword})
		}
		for name, path := range pk.known(ctx) {
			out = append(out, candidate{name: name, kind: "package", sig: path, rank: rankKnown})
		}
	}
	return out
}

// memberCandidates lists the exported members of a package, or the fields
// and methods of a value or the methods of a type.
func (a *analysis) memberCandidates(recv string) []candidate {
	pkg, t, isType := a.receiver(recv)
	var objs []types.Object
	switch {
	case pkg != nil:
		for _, n := range pkg.Scope().Names() {
			if obj := pkg.Scope().Lookup(n); obj.Exported() {
				objs = append(objs, obj)
			}
		}
	case t == nil:
		return nil
	case isType:
		objs = methods(t, a.pkg, false)
	default:
		objs = append(fields(t, a.pkg), methods(t, a.pkg, true)...)
	}
	qual := qualifier(a.pkg)
	out := make([]candidate, 0, len(objs))
	for _, obj := range objs {
		out = append(out, candidate{name: obj.Name(), kind: kindOf(obj), sig: shortSig(obj, qual), rank: rankPackage})
	}
	return out
}

// methods returns the methods of t that from may call; with addressable,
// also those of *t, as a variable has them.
func methods(t types.Type, from *types.Package, addressable bool) []types.Object {
	var out []types.Object
	seen := map[string]bool{}
	add := func(ms *types.MethodSet) {
		for i := range ms.Len() {
			obj := ms.At(i).Obj()
			if !seen[obj.Name()] && (obj.Exported() || obj.Pkg() == from) {
				seen[obj.Name()] = true
				out = append(out, obj)
			}
		}
	}
	add(types.NewMethodSet(t))
	if _, isPtr := t.Underlying().(*types.Pointer); addressable && !isPtr && !types.IsInterface(t) {
		add(types.NewMethodSet(types.NewPointer(t)))
	}
	return out
}

// fields returns the fields of t (a struct or a pointer to one), promoted
// ones included, that from may use.
func fields(t types.Type, from *types.Package) []types.Object {
	var names []string
	seen := map[types.Type]bool{}
	var walk func(types.Type, int)
	walk = func(t types.Type, depth int) {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || seen[t] || depth > 8 {
			return
		}
		seen[t] = true
		for i := range st.NumFields() {
			f := st.Field(i)
			names = append(names, f.Name())
			if f.Embedded() {
				walk(f.Type(), depth+1)
			}
		}
	}
	walk(t, 0)
	var out []types.Object
	done := map[string]bool{}
	for _, n := range names {
		if done[n] || n == "_" {
			continue
		}
		done[n] = true
		// Only a field that the selector reaches (not shadowed, not
		// ambiguous, accessible) is offered.
		obj, _, _ := types.LookupFieldOrMethod(t, true, from, n)
		if v, ok := obj.(*types.Var); ok && v.IsField() {
			out = append(out, v)
		}
	}
	return out
}

func kindOf(obj types.Object) string {
	switch o := obj.(type) {
	case *types.Func:
		if sig, ok := o.Type().(*types.Signature); ok && sig.Recv() != nil {
			return "method"
		}
		return "function"
	case *types.Builtin:
		return "function"
	case *types.Var:
		if o.IsField() {
			return "field"
		}
		return "variable"
	case *types.Const, *types.Nil:
		return "constant"
	case *types.TypeName:
		return "type"
	case *types.PkgName:
		return "package"
	}
	return ""
}

// shortSig is the one-line description of a completion: a function's
// signature, a value's type, a type's kind, a package's path.
func shortSig(obj types.Object, qual types.Qualifier) string {
	switch o := obj.(type) {
	case *types.Func, *types.Var, *types.Const:
		return types.TypeString(o.Type(), qual)
	case *types.TypeName:
		switch o.Type().Underlying().(type) {
		case *types.Struct:
			return "struct"
		case *types.Interface:
			return "interface"
		}
		return types.TypeString(o.Type().Underlying(), qual)
	case *types.PkgName:
		return o.Imported().Path()
	}
	return ""
}

func keywords() []string {
	var kws []string
	for tok := token.BREAK; tok <= token.VAR; tok++ {
		if tok.IsKeyword() {
			kws = append(kws, tok.String())
		}
	}
	return kws
}

// result keeps the candidates that start with the query's prefix (first
// those that match its case, then those that match ignoring case), best
// first, and sets the span to replace.
func (q *query) result(cands []candidate) Result {
	type scored struct {
		candidate
		tier int
	}
	best := map[string]scored{}
	lower := strings.ToLower(q.prefix)
	for _, c := range cands {
		tier := 0
		switch {
		case strings.HasPrefix(c.name, q.prefix):
		case strings.HasPrefix(strings.ToLower(c.name), lower):
			tier = 1
		default:
			continue
		}
		if b, ok := best[c.name]; ok && (b.tier < tier || b.tier == tier && b.rank <= c.rank) {
			continue
		}
		best[c.name] = scored{c, tier}
	}
	list := make([]scored, 0, len(best))
	for _, s := range best {
		list = append(list, s)
	}
	slices.SortFunc(list, func(x, y scored) int {
		return cmp.Or(cmp.Compare(x.tier, y.tier), cmp.Compare(x.rank, y.rank),
			cmp.Compare(strings.ToLower(x.name), strings.ToLower(y.name)), cmp.Compare(x.name, y.name))
	})
	res := Result{Start: runeOffset(q.cell, q.start), End: runeOffset(q.cell, q.end)}
	for _, s := range list {
		res.Matches = append(res.Matches, s.name)
		res.Types = append(res.Types, Match{Text: s.name, Type: s.kind, Signature: s.sig})
	}
	return res
}
