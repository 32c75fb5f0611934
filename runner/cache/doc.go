// Package cache keeps built cell binaries and the raw outputs of cell runs on disk, keyed by fingerprints, so
// that unchanged cells are neither built nor run again. Every entry is written atomically and checked when read:
// a corrupt or half-written entry is a miss, never a wrong answer. It never decides what is stale.
package cache
