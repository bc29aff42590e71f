package scoring

import (
	"errors"
	"fmt"
	"math"
)

// Random-index tables for the AHP consistency ratio, indexed by matrix
// size n from 1 to 15.
const (
	RISaaty1980   = "saaty1980"    // Saaty (1980), the common textbook table; the default
	RISaaty2005   = "saaty2005"    // Saaty (2005)
	RIDoneganDodd = "donegan_dodd" // Donegan and Dodd (1991)
)

var randomIndexes = map[string][15]float64{
	RISaaty1980:   {0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59},
	RISaaty2005:   {0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.4, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59},
	RIDoneganDodd: {0, 0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213, 1.4497, 1.4643, 1.4822, 1.4969},
}

// RandomIndex returns the random index of table for an n × n matrix, or
// an error when the table is unknown or n is outside 1–15.
func RandomIndex(table string, n int) (float64, error) {
	t, ok := randomIndexes[table]
	if !ok {
		return 0, fmt.Errorf("unknown random-index table %q", table)
	}
	if n < 1 || n > len(t) {
		return 0, fmt.Errorf("random index for n = %d: tables cover 1 to %d", n, len(t))
	}
	return t[n-1], nil
}

// AHP is the result of the eigenvector method on a pairwise comparison
// matrix.
type AHP struct {
	Weights   []float64 // principal eigenvector, scaled to sum to 1
	LambdaMax float64   // principal eigenvalue
	CI        float64   // consistency index (λmax − n) ÷ (n − 1); 0 for n ≤ 2
	CR        float64   // consistency ratio CI ÷ RI; 0 when RI is 0
}

// ErrNotReciprocal is returned for a pairwise matrix that is not positive
// and reciprocal (a[j][i] = 1 ÷ a[i][j] within 1e-3, ones on the diagonal).
var ErrNotReciprocal = errors.New("pairwise matrix is not positive and reciprocal")

// AHPWeights derives weights from the square pairwise comparison matrix a,
// in which a[i][j] is how many times more important i is than j, by power
// iteration to 1e-15. table names the random-index table for CR.
func AHPWeights(a [][]float64, table string) (AHP, error) {
	n := len(a)
	if err := checkPairwise(a); err != nil {
		return AHP{}, err
	}
	ri, err := RandomIndex(table, n)
	if err != nil {
		return AHP{}, err
	}

	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for range 10000 {
		for i := range n {
			next[i] = 0
			for j := range n {
				next[i] += a[i][j] * w[j]
			}
		}
		total := sum(next)
		diff := 0.0
		for i := range n {
			next[i] /= total
			diff = max(diff, math.Abs(next[i]-w[i]))
		}
		copy(w, next)
		if diff < 1e-15 {
			break
		}
	}

	res := AHP{Weights: w, LambdaMax: rayleighLambda(a, w)}
	if n > 2 {
		res.CI = (res.LambdaMax - float64(n)) / float64(n-1)
	}
	if ri > 0 {
		res.CR = res.CI / ri
	}
	return res, nil
}

// rayleighLambda estimates λmax as the mean of (a·w)_i ÷ w_i, which is
// exact when w is the principal eigenvector.
func rayleighLambda(a [][]float64, w []float64) float64 {
	total := 0.0
	for i := range a {
		aw := 0.0
		for j := range a[i] {
			aw += a[i][j] * w[j]
		}
		total += aw / w[i]
	}
	return total / float64(len(a))
}

func checkPairwise(a [][]float64) error {
	n := len(a)
	if n == 0 {
		return fmt.Errorf("empty pairwise matrix: %w", ErrNotReciprocal)
	}
	for i := range n {
		if len(a[i]) != n {
			return fmt.Errorf("row %d has %d entries, want %d: %w", i, len(a[i]), n, ErrNotReciprocal)
		}
	}
	for i := range n {
		for j := range n {
			v := a[i][j]
			if !(v > 0) || math.IsInf(v, 0) || math.Abs(v*a[j][i]-1) > 1e-3 {
				return fmt.Errorf("entry (%d, %d) = %g: %w", i, j, v, ErrNotReciprocal)
			}
		}
	}
	return nil
}

// EntropyWeights derives criterion weights from a decision matrix by
// Shannon entropy: rows are alternatives and columns criteria, with
// non-negative values. Each column is scaled to shares p that sum to 1,
// e = −Σ p ln p ÷ ln m, and the weights are (1 − e) scaled to sum to 1. A
// column of zeros counts as uniform. When every column is uniform the
// weights are equal.
func EntropyWeights(rows [][]float64) []float64 {
	if len(rows) == 0 {
		return nil
	}
	m, k := len(rows), len(rows[0])
	d := make([]float64, k)
	for j := range k {
		total := 0.0
		for i := range m {
			total += rows[i][j]
		}
		e := 1.0
		if total > 0 && m > 1 {
			h := 0.0
			for i := range m {
				if p := rows[i][j] / total; p > 0 {
					h -= p * math.Log(p)
				}
			}
			e = h / math.Log(float64(m))
		}
		d[j] = 1 - e
	}
	if sum(d) <= 0 {
		for j := range d {
			d[j] = 1
		}
	}
	return scaleToOne(d)
}

// TOPSIS returns each alternative's relative closeness to the ideal
// solution, 0 to 1, from an already normalised matrix (rows are
// alternatives, columns criteria, higher is better in every column) and
// criterion weights. The ideal takes each column's highest weighted value
// and the anti-ideal its lowest. An alternative equally far from both, or
// at both when they coincide, gets 0.5.
func TOPSIS(rows [][]float64, weights []float64) []float64 {
	m := len(rows)
	if m == 0 {
		return nil
	}
	k := len(weights)
	best := make([]float64, k)
	worst := make([]float64, k)
	for j := range k {
		best[j], worst[j] = math.Inf(-1), math.Inf(1)
		for i := range m {
			v := weights[j] * rows[i][j]
			best[j], worst[j] = max(best[j], v), min(worst[j], v)
		}
	}
	out := make([]float64, m)
	for i := range m {
		var dBest, dWorst float64
		for j := range k {
			v := weights[j] * rows[i][j]
			dBest += (v - best[j]) * (v - best[j])
			dWorst += (v - worst[j]) * (v - worst[j])
		}
		dBest, dWorst = math.Sqrt(dBest), math.Sqrt(dWorst)
		out[i] = 0.5
		if dBest+dWorst > 0 {
			out[i] = dWorst / (dBest + dWorst)
		}
	}
	return out
}
