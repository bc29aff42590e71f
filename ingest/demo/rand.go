package demo

import (
	"math"
	"math/rand/v2"

	"github.com/samber/lo"

	"saima"
)

// Streams of the random source. Each dataset draws from its own stream, so a
// change to how one table is generated leaves the bytes of the others alone.
const (
	streamUnits uint64 = iota + 1
	streamProjects
	streamMilestones
	streamProgress
	streamAssessments
	streamProblems
	streamChanges
)

// rng is a seeded random source with the draws the generator needs.
type rng struct{ r *rand.Rand }

func newRNG(seed int64, stream uint64) *rng {
	return &rng{rand.New(rand.NewPCG(uint64(seed), stream))}
}

// between returns a uniform integer in [lo, hi], or lo when hi < lo.
func (g *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// chance returns true with probability p.
func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

// uniform returns a uniform float in [lo, hi).
func (g *rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*g.r.Float64() }

// normal returns a normally distributed float with mean 0 and deviation sd.
func (g *rng) normal(sd float64) float64 { return g.r.NormFloat64() * sd }

// day returns a uniform date in [a, b], or a when b is before a.
func (g *rng) day(a, b saima.Date) saima.Date {
	return a.AddDays(g.between(0, a.DaysUntil(b)))
}

// span returns a number of days between lo and hi times n, rounded.
func (g *rng) span(n int, lo, hi float64) int {
	return int(math.Round(float64(n) * g.uniform(lo, hi)))
}

func (g *rng) shuffle(n int, swap func(i, j int)) { g.r.Shuffle(n, swap) }

// pick returns a uniform element of xs, which must not be empty.
func pick[T any](g *rng, xs []T) T { return xs[g.r.IntN(len(xs))] }

// pickWeighted returns an index drawn with the given non-negative weights,
// or -1 when they sum to zero.
func pickWeighted(g *rng, weights []float64) int {
	total := lo.Sum(weights)
	if total <= 0 {
		return -1
	}
	x := g.uniform(0, total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
