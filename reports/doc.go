// Package reports draws what the reform office publishes from the horse
// race: the quarterly assessment report as a PDF, and the option objects of
// the dashboard charts as JSON. It keeps its two libraries, gofpdf and
// go-echarts, behind this small API, and no other package imports them.
//
// # Quarterly report
//
// [BuildQuarterly] reads a period's scores, progress reports and overdue
// milestones from a [Source] and assembles a [Quarterly]. [WriteQuarterly]
// draws it on A4 pages with the Noto Sans SC fonts, loaded once per process
// with [LoadFonts].
//
// gofpdf v1.16.2 has two defects with Chinese text that this package works
// around. Its own line breaking (MultiCell, Write) drops one CJK character
// at every automatic break, so the package breaks lines itself, following
// the Chinese rules for punctuation at line ends, and draws each line with
// Cell. And it panics on code points above U+FFFF, so every character the
// fonts cannot draw is replaced by [Placeholder] before it reaches gofpdf.
// Its page-count alias ({nb}) is replaced wherever it occurs on a page,
// names included, so the package draws every report twice and prints the
// page count that the first pass found.
//
// # Charts
//
// [LeaderboardOption], [TrendOption] and [FunnelOption] return ECharts
// options encoded with encoding/json, which escapes <, > and &, so they can
// be embedded in a page or served as JSON without letting data run as code.
package reports
