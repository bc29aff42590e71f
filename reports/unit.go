package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"saima"
)

// ForUnit returns the quarterly report of one unit: the ranking of its
// track and its own section, with the unit named on the cover and in the
// page header. It returns false when q has no section for unit.
func (q *Quarterly) ForUnit(unit string) (*Quarterly, bool) {
	for _, sec := range q.Units {
		if sec.Score.Unit != unit {
			continue
		}
		single := *q
		single.Scope = unit
		single.Units = []UnitSection{sec}
		single.Tracks = nil
		single.Overrides = nil
		// The units that the ranking left out belong to no unit's report.
		single.Unranked, single.UnrankedFromCurrentRoster = nil, false
		single.Verdicts = slices.DeleteFunc(slices.Clone(q.Verdicts), func(l VerdictLine) bool { return l.Unit != unit })
		for _, t := range q.Tracks {
			if t.Track != sec.Score.Track {
				continue
			}
			single.Tracks = []TrackRanking{t}
			// The track's ranking marks every override in it, so the
			// report lists them all.
			for _, o := range q.Overrides {
				if o.Applied && slices.ContainsFunc(t.Scores, func(s saima.Score) bool { return s.Unit == o.Unit }) {
					single.Overrides = append(single.Overrides, o)
				}
			}
		}
		return &single, true
	}
	return nil, false
}

// UnitFileName returns a file name for the n-th of total units' reports,
// such as 03-宁波市海曙区.pdf. The number keeps names unique and in report
// order: it has two digits, or as many as total has, so that 007 sorts
// before 100. Characters that file systems or zip tools reject, such as /
// and :, become _, and so do format characters (Unicode category Cf),
// because a direction override such as U+202E shows the rest of the name
// reversed, with another extension. The name is cut to 60 characters.
func UnitFileName(n, total int, unit string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(unit))
	if runes := []rune(name); len(runes) > 60 {
		name = string(runes[:60])
	}
	if name == "" {
		name = "单位"
	}
	digits := max(2, len(strconv.Itoa(total)))
	return fmt.Sprintf("%0*d-%s.pdf", digits, n, name)
}
