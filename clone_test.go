package debrief

import (
	"reflect"
	"testing"
)

// TestCloneIsDeep fills every field of a report through reflection, clones
// it, and checks that the clone is equal and shares no slice or pointer: a
// field added later without a line in Clone fails here.
func TestCloneIsDeep(t *testing.T) {
	r := &Report{}
	fill(reflect.ValueOf(r).Elem())
	c := r.Clone()
	if !reflect.DeepEqual(r, c) {
		t.Fatal("the clone differs")
	}
	shared(t, "Report", reflect.ValueOf(r).Elem(), reflect.ValueOf(c).Elem())
}

// fill sets every exported field of v to something not zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(1)
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct {
			return // *time.Location: shared by design
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

// shared fails when a and b share a slice array or a pointer.
func shared(t *testing.T, path string, a, b reflect.Value) {
	switch a.Kind() {
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() && a.Type().Elem().Kind() != reflect.Struct {
			t.Errorf("%s is shared", path)
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s is shared", path)
		}
		for i := range a.Len() {
			shared(t, path+"[]", a.Index(i), b.Index(i))
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				shared(t, path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	}
}
