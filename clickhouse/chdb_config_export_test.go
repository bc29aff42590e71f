package clickhouse

// EngineSetting is a setting of the embedded engine, for tests.
type EngineSetting = engineSetting

// EmbeddedServerSettings and EmbeddedMergeTreeSettings are the settings
// that the embedded engine starts with.
var (
	EmbeddedServerSettings    = embeddedServerSettings
	EmbeddedMergeTreeSettings = embeddedMergeTreeSettings
)
