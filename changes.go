package debrief

import "reflect"

// ChangedSections names the top-level parts of the report that differ
// between a and b ("title", "front_matter", then the template's section
// keys, then "extra"). Empty and nil lists are equal.
func ChangedSections(a, b *Report) []string {
	parts := []struct {
		key  string
		a, b any
	}{
		{KeyTitle, a.Title, b.Title},
		{"front_matter", []any{a.ID, a.Services, a.Tags, a.FrontMatterRest}, []any{b.ID, b.Services, b.Tags, b.FrontMatterRest}},
		{KeyOverview, a.Overview, b.Overview},
		{KeySummary, a.Summary, b.Summary},
		{KeyTimeline, a.Timeline, b.Timeline},
		{KeyRootCause, a.RootCause, b.RootCause},
		{KeyResolution, a.Resolution, b.Resolution},
		{KeyLessons, a.Lessons, b.Lessons},
		{KeyActionItems, a.ActionItems, b.ActionItems},
		{KeyPrevention, a.Prevention, b.Prevention},
		{KeyMetrics, a.Metrics, b.Metrics},
		{KeyDocuments, a.Documents, b.Documents},
		{KeySignOff, a.SignOff, b.SignOff},
		{"extra", a.Extra, b.Extra},
	}
	var changed []string
	for _, p := range parts {
		if !sameStored(reflect.ValueOf(p.a), reflect.ValueOf(p.b)) {
			changed = append(changed, p.key)
		}
	}
	return changed
}

// sameStored reports whether two values are stored alike: typed values
// (those with a Text field) compare by their text, since that is what is
// stored and parsed again; lists compare by their elements, nil or empty.
func sameStored(a, b reflect.Value) bool {
	if a.Kind() == reflect.Interface && b.Kind() == reflect.Interface {
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		a, b = a.Elem(), b.Elem()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameStored(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if f, ok := a.Type().FieldByName("Text"); ok && f.Type.Kind() == reflect.String && a.Type() != reflect.TypeOf(CheckItem{}) {
			return a.FieldByIndex(f.Index).String() == b.FieldByIndex(f.Index).String()
		}
		for i := range a.NumField() {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if !sameStored(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameStored(a.Elem(), b.Elem())
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int64:
		return a.Int() == b.Int()
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}
