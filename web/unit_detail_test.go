package web

import (
	"encoding/json"
	"html/template"
	"math"
	"strconv"
	"testing"

	"saima"
)

func TestIndicatorRadar(t *testing.T) {
	contributions := func(scores ...float64) []saima.Contribution {
		var out []saima.Contribution
		for i, s := range scores {
			out = append(out, saima.Contribution{Indicator: string(rune('a' + i)), Name: "指标" + string(rune('甲'+i)), Score: s})
		}
		return out
	}
	score := func(unit, track string, scores ...float64) saima.Score {
		return saima.Score{Period: saima.Quarter(2026, 3), Track: track, Unit: unit, Contributions: contributions(scores...)}
	}
	tests := []struct {
		name      string
		unit      saima.Score
		others    []saima.Score
		chartType string
		mean      []float64
	}{
		{"ThreeIndicatorsRadar", score("甲区", "区县（市）", 90, 80, 70),
			[]saima.Score{score("乙区", "区县（市）", 70, 60, 50), score("丙局", "市直部门", 0, 0, 0)},
			"radar", []float64{80, 70, 60}},
		{"TwoIndicatorsBars", score("甲区", "区县（市）", 90, 80),
			[]saima.Score{score("乙区", "区县（市）", 60, 40)},
			"bar", []float64{75, 60}},
		{"ScoreAboveHundred", score("甲区", "区县（市）", 120, 80, 70), nil, "radar", []float64{120, 80, 70}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := indicatorRadar(tt.unit, append([]saima.Score{tt.unit}, tt.others...), false)
			if err != nil {
				t.Fatalf("indicatorRadar: %v", err)
			}
			var option struct {
				Radar struct {
					Indicator []struct {
						Max float64 `json:"max"`
					} `json:"indicator"`
				} `json:"radar"`
				Series []struct {
					Type string `json:"type"`
					Data []struct {
						Value json.RawMessage `json:"value"`
						Link  string          `json:"link"`
					} `json:"data"`
				} `json:"series"`
			}
			if err := json.Unmarshal([]byte(template.JS(ch.Option)), &option); err != nil {
				t.Fatalf("decode option: %v", err)
			}
			if len(option.Series) != 2 || option.Series[0].Type != tt.chartType {
				t.Fatalf("series = %+v, want two of type %s", option.Series, tt.chartType)
			}
			mean := meanValues(t, option.Series[1].Type, option.Series[1].Data)
			for i, want := range tt.mean {
				if math.Abs(mean[i]-want) > 0.005 {
					t.Errorf("track mean %d = %v, want %v", i, mean[i], want)
				}
			}
			if option.Series[0].Data[0].Link != "/leaderboard?period=2026Q3&track=%E5%8C%BA%E5%8E%BF%EF%BC%88%E5%B8%82%EF%BC%89" {
				t.Errorf("unit link = %q, want the track's leaderboard", option.Series[0].Data[0].Link)
			}
			if tt.chartType == "radar" {
				for i, ind := range option.Radar.Indicator {
					if ind.Max != math.Max(100, tt.unit.Contributions[0].Score) {
						t.Errorf("axis %d max = %v, want the largest value or 100", i, ind.Max)
					}
				}
			}
		})
	}
}

// meanValues reads the track mean series: one item of all values for a
// radar, one item per indicator for bars, each value a numeric string.
func meanValues(t *testing.T, chartType string, data []struct {
	Value json.RawMessage `json:"value"`
	Link  string          `json:"link"`
}) []float64 {
	t.Helper()
	if chartType == "radar" {
		var values []float64
		var texts []json.Number
		if err := json.Unmarshal(data[0].Value, &texts); err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			v, err := text.Float64()
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, v)
		}
		if len(values) == 0 {
			t.Fatal("radar item has no values")
		}
		return values
	}
	var values []float64
	for _, d := range data {
		var text string
		if err := json.Unmarshal(d.Value, &text); err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, v)
	}
	return values
}
