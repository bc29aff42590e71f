package clickhouse

import (
	"reflect"
	"testing"

	"saima/scoring"
)

// TestFactsAddCoversEveryField checks that factsMap.add carries every count
// and sum of scoring.UnitFacts, so that a field added there later cannot
// be dropped silently when the facts of several queries are merged.
func TestFactsAddCoversEveryField(t *testing.T) {
	var g scoring.UnitFacts
	v := reflect.ValueOf(&g).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Float64:
			f.SetFloat(float64(i) + 0.5)
		case reflect.Array:
			for j := range f.Len() {
				if f.Index(j).Kind() == reflect.Int {
					f.Index(j).SetInt(int64(10*i + j))
				} else {
					f.Index(j).SetFloat(float64(10*i+j) + 0.25)
				}
			}
		case reflect.String:
			f.SetString("慈溪市")
		default:
			t.Fatalf("UnitFacts.%s has kind %s, which add does not know", v.Type().Field(i).Name, f.Kind())
		}
	}
	m := factsMap{}
	m.add(factsMap{"慈溪市": &g})
	if got := *m["慈溪市"]; !reflect.DeepEqual(got, g) {
		t.Errorf("add to empty facts = %+v, want %+v", got, g)
	}
}
