package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"saima"
)

// PublishedPeriods is the part of the store that lists the periods with
// a published evaluation. clickhouse.Store implements it. A store without
// it gets no warning about published periods.
type PublishedPeriods interface {
	// ListPublishedPeriods returns the periods with at least one
	// published evaluation.
	ListPublishedPeriods(ctx context.Context) ([]saima.Period, error)
}

// batchQuarters adds to set the quarters that the records of b fall in:
// a progress report's or assessment's period, and a milestone's planned
// and actual dates. Records of a whole year fall in no quarter.
func batchQuarters(set map[saima.Period]bool, b *saima.Batch) {
	add := func(p saima.Period) {
		if q := p.Quarter(); !q.IsZero() {
			set[q] = true
		}
	}
	for _, p := range b.Progress {
		add(p.Period)
	}
	for _, a := range b.Assessments {
		add(a.Period)
	}
	for _, m := range b.Milestones {
		add(quarterOf(m.Planned))
		if m.Actual != nil {
			add(quarterOf(*m.Actual))
		}
	}
}

// quarterOf returns the quarter that contains d.
func quarterOf(d saima.Date) saima.Period {
	return saima.Quarter(d.Year, (int(d.Month)-1)/3+1)
}

// warnPublished adds a warning to rep when the upload's records fall in a
// quarter whose evaluation is published: the published result does not
// change until the office computes and publishes a new version.
func (s *Service) warnPublished(ctx context.Context, rep *Report, quarters map[saima.Period]bool) error {
	store, ok := storeAs[PublishedPeriods](s.Store)
	if !ok || len(quarters) == 0 {
		return nil
	}
	published, err := store.ListPublishedPeriods(ctx)
	if err != nil {
		return fmt.Errorf("list published periods: %w", err)
	}
	var hit []saima.Period
	for _, p := range published {
		if quarters[p] {
			hit = append(hit, p)
		}
	}
	if len(hit) == 0 {
		return nil
	}
	slices.SortFunc(hit, func(a, b saima.Period) int { return a.Start().Compare(b.Start()) })
	labels := make([]string, len(hit))
	for i, p := range hit {
		labels[i] = p.Label()
	}
	rep.Warnings = append(rep.Warnings, Issue{File: rep.Upload.FileName, Severity: SeverityWarning,
		Reason: "本文件含有已发布考评期间（" + strings.Join(labels, "、") + "）的数据，已发布的得分和名次不会因此改变",
		Fix:    "如需按新数据考评，请改革办重新计算并发布新版本"})
	rep.Upload.Warnings++
	return nil
}
