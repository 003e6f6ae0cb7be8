package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/market"
)

// schemas derives JSON Schemas (OpenAPI 3.1 dialect) from the Go types the
// handlers decode and encode, so the document says what encoding/json does: a
// struct is a component named for its type, its properties are its JSON names,
// and a field is required unless its tag has omitempty or omitzero.
type schemas struct {
	defs  map[string]any
	types map[string]reflect.Type
}

// schemaer is a type that states its own schema.
type schemaer interface {
	openAPISchema(g *schemas) map[string]any
}

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, types: map[string]reflect.Type{}}
}

var (
	orderStatuses = []mohalla.OrderStatus{mohalla.StatusPending, mohalla.StatusConfirmed, mohalla.StatusPacked,
		mohalla.StatusOutForDelivery, mohalla.StatusDelivered, mohalla.StatusCancelled}
	roles = []mohalla.Role{mohalla.RoleAnonymous, mohalla.RoleCustomer, mohalla.RoleShopOwner, mohalla.RoleAdmin,
		mohalla.RoleService}

	// special are the types whose JSON is not what their kind suggests.
	special = map[reflect.Type]map[string]any{
		reflect.TypeFor[mohalla.Money](): {"type": "number", "multipleOf": 0.01,
			"description": "an amount in rupees with at most two decimals, kept exactly as integer paise"},
		reflect.TypeFor[time.Time]():           {"type": "string", "format": "date-time"},
		reflect.TypeFor[json.RawMessage]():     {"type": "object"},
		reflect.TypeFor[mohalla.Position]():    {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
		reflect.TypeFor[mohalla.OrderStatus](): {"type": "string", "enum": orderStatuses},
		reflect.TypeFor[mohalla.Role]():        {"type": "string", "enum": roles},
	}

	// anyValue names the fields, by type, of raw JSON that may hold any JSON
	// value rather than an object: what a function or a step returned.
	anyValue = map[reflect.Type][]string{
		reflect.TypeFor[enginetype.RunRow]():  {"Output"},
		reflect.TypeFor[enginetype.StepRow](): {"Output"},
	}
)

// of returns the schema of t, a $ref for a struct.
func (g *schemas) of(t reflect.Type) map[string]any {
	if s, ok := special[t]; ok {
		return s
	}
	if t.Implements(reflect.TypeFor[schemaer]()) {
		return reflect.Zero(t).Interface().(schemaer).openAPISchema(g)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem())
	case reflect.Struct:
		return g.ref(t)
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Interface:
		return map[string]any{}
	}
	panic(fmt.Sprintf("httpapi: no JSON Schema for %v", t))
}

// ref defines struct type t as a component, once, and refers to it.
func (g *schemas) ref(t reflect.Type) map[string]any {
	name := schemaName(t)
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if seen, ok := g.types[name]; ok {
		if seen != t {
			panic(fmt.Sprintf("httpapi: schema name %s is both %v and %v", name, seen, t))
		}
		return ref
	}
	g.types[name] = t
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	g.defs[name] = s
	return ref
}

// fields adds the properties of struct type t to props, as encoding/json
// encodes them: an embedded struct without a JSON name lends its fields, which
// t's own fields of the same name hide.
func (g *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	var embedded []reflect.Type
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			if f.Type.Kind() != reflect.Struct {
				panic(fmt.Sprintf("httpapi: embedded field %s of %v has no schema rule", f.Name, t))
			}
			embedded = append(embedded, f.Type)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, hidden := props[name]; hidden {
			continue
		}
		switch rule := f.Tag.Get("rule"); {
		case slices.Contains(anyValue[t], f.Name):
			props[name] = map[string]any{"description": "any JSON value"}
		case rule != "":
			// The rule market's checks hold the field to, stated here too.
			ps := ruleSchema(maps.Clone(g.of(f.Type)), rule)
			if optional(opts) && ps["type"] == "string" {
				// An optional string left empty is absent, as encoding/json
				// writes it.
				delete(ps, "minLength")
				if p, ok := ps["pattern"].(string); ok {
					ps["pattern"] = "^(" + strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$") + ")?$"
				}
			}
			props[name] = ps
		default:
			props[name] = g.of(f.Type)
		}
		if !optional(opts) {
			*required = append(*required, name)
		}
	}
	for _, e := range embedded {
		g.fields(e, props, required)
	}
}

// optional reports whether a field with these json tag options may be absent.
func optional(opts string) bool { return hasOption(opts, "omitempty") || hasOption(opts, "omitzero") }

func hasOption(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// schemaName names a component for t: its type name, capitalized, and for an
// instance of a generic type the argument first ("ShopPage" for Page[Shop]).
func schemaName(t reflect.Type) string {
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		arg := strings.TrimSuffix(name[i+1:], "]")
		arg = arg[strings.LastIndexByte(arg, '.')+1:]
		name = arg + name[:i]
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	// The compatibility APIs' types take their product's name: their Hit,
	// Error or Event are not ours.
	switch path.Base(t.PkgPath()) {
	case "typesenseapi":
		return "Typesense" + string(r)
	case "inngestapi":
		return "Inngest" + string(r)
	}
	return string(r)
}

// openAPISchema: one event, or an array of 1 to 1000 of them.
func (sendBody) openAPISchema(g *schemas) map[string]any {
	one := g.of(reflect.TypeFor[market.SendEvent]())
	return map[string]any{"oneOf": []any{one, map[string]any{"type": "array", "items": one, "minItems": 1, "maxItems": 1000}}}
}
