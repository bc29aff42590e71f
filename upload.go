package saima

import "time"

// Datasets that units and the office upload.
const (
	DatasetUnits       = "units"       // 单位名单
	DatasetProjects    = "projects"    // 项目台账
	DatasetStages      = "stages"      // 项目阶段
	DatasetMilestones  = "milestones"  // 里程碑
	DatasetProgress    = "progress"    // 进度填报
	DatasetAssessments = "assessments" // 考评打分
	DatasetProblems    = "problems"    // 问题清单
)

// Upload outcomes.
const (
	OutcomeOK       = "ok"       // every row was written and is visible
	OutcomeRejected = "rejected" // validation failed; nothing was written
	OutcomeFailed   = "failed"   // writing failed; nothing is visible
)

// Upload is the audit record of one file a user sent. Rows of a dataset are
// visible to readers only once their upload is recorded with OutcomeOK, so a
// write that fails half-way never shows.
type Upload struct {
	ID          string
	Dataset     string
	Uploader    string // the account that sent it
	Unit        string // the uploader's unit; empty for the office
	At          time.Time
	FileName    string
	SHA256      string // hex digest of the file's bytes
	Rows        int    // data rows read
	Imported    int    // records written
	Warnings    int
	Errors      int
	Outcome     string // one of the Outcome constants
	Message     string
	DuplicateOf string // ID of an earlier successful upload of the same bytes, if any
}

// Batch is the validated content of one upload, ready to be written. Only
// the slice that matches the dataset is set.
type Batch struct {
	Upload      Upload
	Units       []Unit
	Projects    []Project
	Stages      []StageEvent
	Milestones  []Milestone
	Progress    []ProgressReport
	Assessments []Assessment
	Problems    []ProblemItem

	// The workflow datasets (see workflow.go).
	ListItems     []ListItem
	ListDone      []ListDone
	ProblemSteps  []ProblemStep
	LeaderReports []LeaderReport
}

// Len returns the number of records in b.
func (b *Batch) Len() int {
	return len(b.Units) + len(b.Projects) + len(b.Stages) + len(b.Milestones) +
		len(b.Progress) + len(b.Assessments) + len(b.Problems) +
		len(b.ListItems) + len(b.ListDone) + len(b.ProblemSteps) + len(b.LeaderReports)
}
