package clickhouse

import (
	"context"
	"time"
)

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

// PurgeFreedMemory runs the purge that follows a staged INSERT on the
// embedded engine e, and LastPurge and SetLastPurge read and set when it
// last ran.
func PurgeFreedMemory(ctx context.Context, e Engine) { e.(*sharedEmbedded).purgeFreedMemory(ctx) }

func LastPurge(e Engine) time.Time { return time.Unix(0, e.(*sharedEmbedded).lastPurge.Load()) }

func SetLastPurge(e Engine, t time.Time) { e.(*sharedEmbedded).lastPurge.Store(t.UnixNano()) }
