package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"saima"
)

func TestPublishAPIRejectsUnknownTrack(t *testing.T) {
	env := newEvaluationEnv(t)
	writeOfficeBatch(t, env, saima.Batch{
		Upload: saima.Upload{ID: "ev-units-new", Dataset: saima.DatasetUnits},
		Units:  []saima.Unit{{Name: "宁波前湾新区", Kind: saima.KindOther, Track: "功能区"}},
	}, time.Date(2026, 7, 4, 9, 0, 0, 0, saima.Beijing))

	resp, body := env.publish(t, "office", "")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("publish with a unit of an unknown track status = %d, want 409; body:\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{"宁波前湾新区", "“功能区”", "区县（市）、市直部门"} {
		if !strings.Contains(body, want) {
			t.Errorf("publish reply lacks %q:\n%s", want, body)
		}
	}
	evs, err := env.store.ListEvaluations(context.Background(), q2)
	if err != nil || len(evs) != 1 {
		t.Errorf("after the rejected publish the period has %d records (%v), want only the draft", len(evs), err)
	}
}
