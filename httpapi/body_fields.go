package httpapi

import (
	"reflect"
	"sync"
)

// fieldsOf holds jsonFields of each struct type a body was checked against,
// read only once made: a type's fields never change, and reflecting on them
// again at every request was a third of checking a product's body.
var fieldsOf sync.Map // reflect.Type -> map[string]jsonField

// cachedFields returns jsonFields(t), made once per type.
func cachedFields(t reflect.Type) map[string]jsonField {
	if m, ok := fieldsOf.Load(t); ok {
		return m.(map[string]jsonField)
	}
	m, _ := fieldsOf.LoadOrStore(t, jsonFields(t))
	return m.(map[string]jsonField)
}
