package web

import (
	"fmt"
	"strconv"

	"saima"
)

// dropDown is the data of the "drop-down" template in layout.html: a
// labelled <select> of a filter form. Its first option, Empty, has the
// value "" and means no choice.
type dropDown struct {
	Label, Name, Empty string
	Options            []dropOption
}

// dropOption is an option of a dropDown.
type dropOption struct {
	Value, Text string
	Selected    bool
}

// choose builds a dropDown for templates from items, a list of one of the
// kinds the pages contain, and marks the option whose value equals
// selected. Any other kind of list is an error of the template.
func choose(label, name, empty string, selected any, items any) (dropDown, error) {
	d := dropDown{Label: label, Name: name, Empty: empty}
	add := func(value, text string) {
		d.Options = append(d.Options, dropOption{Value: value, Text: text})
	}
	switch list := items.(type) {
	case []string:
		for _, s := range list {
			add(s, s)
		}
	case []saima.Unit:
		for _, u := range list {
			add(u.Name, u.Name)
		}
	case []levelChoice:
		for _, l := range list {
			add(strconv.Itoa(l.Value), l.Name)
		}
	case []datasetChoice:
		for _, c := range list {
			add(c.ID, c.Name)
		}
	case []dropOption:
		for _, o := range list {
			add(o.Value, o.Text)
		}
	default:
		return d, fmt.Errorf("choose %s: unsupported option list %T", name, items)
	}
	want := fmt.Sprint(selected)
	for i := range d.Options {
		d.Options[i].Selected = d.Options[i].Value == want
	}
	return d, nil
}
