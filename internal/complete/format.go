package complete

import (
	"go/types"
	"strings"
)

// declaration writes obj as go doc would: a function's signature with its
// receiver, a type's definition with its fields and methods, a variable's
// or constant's declaration. all shows unexported members too (for the
// notebook's own types).
func declaration(obj types.Object, qual types.Qualifier, all bool) string {
	switch o := obj.(type) {
	case *types.Func:
		return funcDecl(o, qual)
	case *types.TypeName:
		return typeDecl(o, qual, all)
	case *types.Const:
		return constDecl(o, qual)
	}
	return types.ObjectString(obj, qual)
}

// constDecl writes "const Name Type = value", without the type when it is
// untyped.
func constDecl(c *types.Const, qual types.Qualifier) string {
	s := "const " + c.Name()
	if b, ok := c.Type().(*types.Basic); !ok || b.Info()&types.IsUntyped == 0 {
		s += " " + types.TypeString(c.Type(), qual)
	}
	return s + " = " + c.Val().String()
}

// funcDecl writes "func (r *T) Name(params) results".
func funcDecl(f *types.Func, qual types.Qualifier) string {
	sig, ok := f.Type().(*types.Signature)
	if !ok {
		return types.ObjectString(f, qual)
	}
	var b strings.Builder
	b.WriteString("func ")
	if r := sig.Recv(); r != nil {
		b.WriteString("(")
		if r.Name() != "" && r.Name() != "_" {
			b.WriteString(r.Name() + " ")
		}
		b.WriteString(types.TypeString(r.Type(), qual))
		b.WriteString(") ")
	}
	b.WriteString(f.Name())
	b.WriteString(strings.TrimPrefix(types.TypeString(sig, qual), "func"))
	return b.String()
}

// typeDecl writes a type's definition, one field or interface method per
// line, followed by its methods.
func typeDecl(tn *types.TypeName, qual types.Qualifier, all bool) string {
	if tn.IsAlias() {
		return types.ObjectString(tn, qual)
	}
	named, ok := tn.Type().(*types.Named)
	if !ok {
		return types.ObjectString(tn, qual)
	}
	var b strings.Builder
	b.WriteString("type " + tn.Name())
	if tps := named.TypeParams(); tps.Len() > 0 {
		b.WriteString("[")
		for i := range tps.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			tp := tps.At(i)
			b.WriteString(tp.Obj().Name() + " " + types.TypeString(tp.Constraint(), qual))
		}
		b.WriteString("]")
	}
	b.WriteString(" ")
	switch u := named.Underlying().(type) {
	case *types.Struct:
		b.WriteString("struct {\n")
		hidden := false
		for i := range u.NumFields() {
			f := u.Field(i)
			if !f.Exported() && !all {
				hidden = true
				continue
			}
			b.WriteString("\t")
			if !f.Embedded() {
				b.WriteString(f.Name() + " ")
			}
			b.WriteString(types.TypeString(f.Type(), qual) + "\n")
		}
		if hidden {
			b.WriteString("\t// Has unexported fields.\n")
		}
		b.WriteString("}")
	case *types.Interface:
		b.WriteString("interface {\n")
		for i := range u.NumEmbeddeds() {
			b.WriteString("\t" + types.TypeString(u.EmbeddedType(i), qual) + "\n")
		}
		hidden := false
		for i := range u.NumExplicitMethods() {
			m := u.ExplicitMethod(i)
			if !m.Exported() && !all {
				hidden = true
				continue
			}
			b.WriteString("\t" + m.Name() + strings.TrimPrefix(types.TypeString(m.Type(), qual), "func") + "\n")
		}
		if hidden {
			b.WriteString("\t// Has unexported methods.\n")
		}
		b.WriteString("}")
	default:
		b.WriteString(types.TypeString(u, qual))
	}
	first := true
	for i := range named.NumMethods() {
		m := named.Method(i)
		if !m.Exported() && !all {
			continue
		}
		if _, isIface := named.Underlying().(*types.Interface); isIface {
			break // its methods are listed in its body
		}
		if first {
			b.WriteString("\n")
			first = false
		}
		b.WriteString("\n" + funcDecl(m, qual))
	}
	return b.String()
}
