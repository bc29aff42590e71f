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

// Upload outcomes. An upload that writes records is recorded as started
// before its first record, and then once more with the outcome it ends
// with. The latest record of an upload is its state.
const (
	OutcomeOK       = "ok"       // every row was written and is visible
	OutcomeRejected = "rejected" // validation failed; nothing is visible
	OutcomeFailed   = "failed"   // writing failed; nothing is visible
	OutcomeStarted  = "started"  // records are being written; none is visible yet

	// OutcomeInterrupted marks an upload left at started by a process
	// that stopped, or lost the database, before it recorded an outcome.
	// Nothing of it is visible.
	OutcomeInterrupted = "interrupted"

	// OutcomeUnknown is the outcome that the reply to an upload shows
	// when the database neither confirmed its last write nor let it be
	// read back. It is never stored: the audit log then holds a failed
	// row, which an ok row outranks if the write did land.
	OutcomeUnknown = "unknown"
)

// OutcomeLabel returns the Chinese name of an upload outcome, and the
// outcome itself when it is not one of the Outcome constants.
func OutcomeLabel(outcome string) string {
	switch outcome {
	case OutcomeOK:
		return "成功"
	case OutcomeRejected:
		return "校验未通过"
	case OutcomeFailed:
		return "写入失败"
	case OutcomeStarted:
		return "进行中"
	case OutcomeInterrupted:
		return "中断"
	case OutcomeUnknown:
		return "结果未知"
	}
	return outcome
}

// Outcomes lists every upload outcome, in the order pages offer them.
var Outcomes = []string{OutcomeOK, OutcomeRejected, OutcomeFailed, OutcomeInterrupted, OutcomeStarted}

// ParseOutcome returns the outcome that s names, as one of the Outcome
// constants or by its Chinese name (see [OutcomeLabel]).
func ParseOutcome(s string) (string, error) {
	for _, o := range Outcomes {
		if s == o || s == OutcomeLabel(o) {
			return o, nil
		}
	}
	return "", Errorf(KindInvalid, "上传结果“%s”无效，应为 ok（成功）、rejected（校验未通过）、failed（写入失败）、"+
		"interrupted（中断）或 started（进行中）", s)
}

// UploadFilter selects uploads from the audit log. Its zero value selects
// every upload.
type UploadFilter struct {
	Unit     string // the uploader's unit; empty for any
	Outcome  string // the upload's current outcome; empty for any
	From, To Date   // the days (Beijing) the upload began, both included; zero for no bound
	Limit    int    // the maximum number of uploads to return; 0 or less means 200
}

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
	Replaced    int    // current records the upload replaced when it committed
	Warnings    int
	Errors      int
	Outcome     string // one of the Outcome constants
	Message     string
	DuplicateOf string // ID of an earlier successful upload of the same bytes, if any

	// ErrorList is the error list of a rejected or failed upload, in row
	// order: at most as many errors as the import lists, while Errors
	// counts them all. Only FindUpload reads it back; ListUploads leaves
	// it nil.
	ErrorList []UploadError

	// WarningList is the warning list of a rejected, failed or imported
	// upload, kept the way ErrorList is: in row order, at most as many
	// warnings as the import lists, while Warnings counts them all. Only
	// FindUpload reads it back.
	WarningList []UploadError
}

// UploadError is one error or warning of an upload as the audit log
// keeps it. The fields mean what they mean in the import's issues,
// without the file, which is the upload's FileName.
type UploadError struct {
	Sheet      string // worksheet, for xlsx files only
	Row        int    // 0 for the whole file
	Column     string // empty for the whole row
	Value      string // the cell as written, cut short when long
	Reason     string
	Fix        string
	OwnSubject bool // Reason names its own subject (see ingest.Issue)
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
