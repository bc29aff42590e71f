// Package ingest reads the files that units and the reform office upload
// and turns each into a validated [saima.Batch], or rejects the whole file
// with every problem listed.
//
// # Reading
//
// [Parse] takes CSV or tab-separated text (UTF-8 with or without a
// byte-order mark, GB18030 and its GBK subset, UTF-16 as Excel's "Unicode
// 文本" writes it). It also takes XLSX workbooks, read as a stream with a
// bound on their unpacked size, and JSON arrays of objects. It finds the
// header below any title rows and resolves a two-row header with merged
// group cells, such as 本期进度 over 完成率 and 填报日期. Headers, their common
// synonyms and English field names map to the dataset's columns, and the
// dataset is detected from them when the caller does not name it.
//
// # Normalising
//
// Header names, unit names, codes, numbers, dates and periods are read
// after Unicode NFKC and trimming, so full-width ８５％ reads as 85%. Free
// text is stored exactly as written, only trimmed. Unit names resolve
// through the roster, its aliases and the usual short forms to the
// roster's spelling. The percent rule decides whether a bare 0.85 means
// 85% from the rest of its column. docs/ingest.md states every rule with
// examples.
//
// # Issues
//
// Each problem is an [Issue] with the file, row, column, value, reason and
// fix, and a Chinese [Issue.String]. Errors reject the whole file;
// warnings are shown to the uploader and the file is still imported.
//
// # Importing
//
// [Service] wraps Parse for the upload endpoint and the command line: it
// hashes the bytes, checks what a unit's account may upload, and writes
// the records chunk by chunk through its [Store]'s [Writer], committing
// them at once at the end or recording a rejected upload. Imports of one
// unit run one at a time. [WriteTemplate] writes the XLSX template of a
// dataset.
package ingest
