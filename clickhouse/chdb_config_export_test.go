package clickhouse

// EngineSetting is a setting of the embedded engine, for tests.
type EngineSetting = engineSetting

// EmbeddedServerSettings and EmbeddedMergeTreeSettings are the settings
// that the embedded engine starts with.
var (
	EmbeddedServerSettings    = embeddedServerSettings
	EmbeddedMergeTreeSettings = embeddedMergeTreeSettings
)

// PurgeStatement is the statement that runs after each staged INSERT.
const PurgeStatement = purgeStatement
